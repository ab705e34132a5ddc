package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
)

// Replicas mint IDs (storage.NewID) in-process: two of them in the same
// millisecond would hand out the same ID, and a queue insert that then hits
// the primary key is taken for a duplicate and dropped. Each process that
// opens the database leases a node number 1-255 with a session advisory
// lock held on a connection of its own for as long as it runs; a process
// that dies loses its connection and so its lease.

// idNodeLockClass is the first key of the advisory locks, "rnd" in ASCII,
// so they do not meet other users' advisory locks.
const idNodeLockClass = 0x726e64

// setIDNode is storage.SetIDNode (idnode_set.go). It is a variable only
// while that function is being added to storage/id.go; nil, the lease is
// taken but IDs are minted as by a single process.
var setIDNode func(n int64)

// leaseIDNode takes a free node number and sets it for storage.NewID.
func leaseIDNode(ctx context.Context, pool *sql.DB) (*sql.Conn, error) {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return nil, err
	}
	start := rand.IntN(255)
	for i := range 255 {
		n := int64((start+i)%255 + 1)
		var ok bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1, $2)`, idNodeLockClass, n).Scan(&ok); err != nil {
			conn.Close()
			return nil, fmt.Errorf("lease an ID node: %w", err)
		}
		if ok {
			if setIDNode != nil {
				setIDNode(n)
			}
			return conn, nil
		}
	}
	conn.Close()
	return nil, fmt.Errorf("lease an ID node: all 255 are taken (more than 255 processes on one database?)")
}
