package storage

import "context"

// EventBus is implemented by stores that several processes share (the
// PostgreSQL backend): live events published by one process reach the
// others. Stores used by one process only (SQLite) do not implement it, and
// events then stay in the process, which is all there is.
type EventBus interface {
	// PublishEvent sends payload to every listening process. Called on a
	// store inside Tx, the payload is delivered only if the transaction
	// commits (PostgreSQL's NOTIFY is transactional); outside one, at once.
	// A payload is at most MaxEventPayload bytes.
	PublishEvent(ctx context.Context, payload []byte) error
	// ListenEvents calls fn with each payload published, by any process
	// (the sender included), until ctx ends. It reconnects after errors;
	// ready, if not nil, is called each time it is listening again (events
	// published while it was not are lost, as for a client that
	// disconnects). It returns when ctx ends.
	ListenEvents(ctx context.Context, ready func(), fn func(payload []byte)) error
}

// MaxEventPayload is the largest payload PublishEvent takes (PostgreSQL's
// NOTIFY limit is 8000 bytes).
const MaxEventPayload = 7900
