package delivery

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// delay is how long to wait after the attempts-th failed attempt:
// RetryBase·2^(attempts-1), spread by ±10% (r in [0,1) picks where) so jobs
// that failed together — a peer that was down — do not all come back in the
// same second, and capped at MaxBackoff. A peer's Retry-After is honoured
// as a lower bound, itself capped at MaxBackoff: a peer may slow us down,
// not park a job for a year.
func (o Options) delay(attempts int, retryAfter time.Duration, r float64) time.Duration {
	d := min(o.RetryBase, o.MaxBackoff)
	for i := 1; i < attempts; i++ {
		if d >= o.MaxBackoff/2 { // doubling would pass the cap (or overflow)
			d = o.MaxBackoff
			break
		}
		d *= 2
	}
	if f := float64(d) * (0.9 + 0.2*r); f < float64(o.MaxBackoff) {
		d = time.Duration(f)
	} else {
		d = o.MaxBackoff // at the cap jitter only shortens, so MaxBackoff stays a true maximum
	}
	return max(d, min(retryAfter, o.MaxBackoff))
}

// maxRetryAfter keeps a silly Retry-After from overflowing a Duration; the
// caller caps it far lower anyway.
const maxRetryAfter = 365 * 24 * time.Hour

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP-date
// (RFC 9110 §10.2.3). Absent, malformed or past values give 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), maxRetryAfter)
	}
	return 0
}
