package postgres

import (
	"strconv"
	"strings"
	"sync"
)

// rebind turns SQLite placeholders into PostgreSQL's: ?N becomes $N and each
// bare ? the next number after the highest used so far. Text inside single
// quotes, double quotes and -- comments is left alone. Results are cached:
// the set of query texts is small and fixed (apart from IN lists).
func rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	if v, ok := rebindCache.Load(q); ok {
		return v.(string)
	}
	out := rebindUncached(q)
	rebindCache.Store(q, out)
	return out
}

var rebindCache sync.Map

func rebindUncached(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch c {
		case '\'', '"':
			j := strings.IndexByte(q[i+1:], c)
			if j < 0 {
				b.WriteString(q[i:])
				return b.String()
			}
			b.WriteString(q[i : i+j+2])
			i += j + 1
		case '-':
			if i+1 < len(q) && q[i+1] == '-' {
				j := strings.IndexByte(q[i:], '\n')
				if j < 0 {
					b.WriteString(q[i:])
					return b.String()
				}
				b.WriteString(q[i : i+j])
				i += j - 1
				continue
			}
			b.WriteByte(c)
		case '?':
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			if j > i+1 {
				num, _ := strconv.Atoi(q[i+1 : j])
				n = max(n, num)
				b.WriteString("$" + q[i+1:j])
				i = j - 1
			} else {
				n++
				b.WriteString("$" + strconv.Itoa(n))
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
