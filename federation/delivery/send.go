package delivery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/rounds-social/rounds/federation/fetch"
	"github.com/rounds-social/rounds/federation/signature"
	"github.com/rounds-social/rounds/storage"
)

const (
	activityType = "application/activity+json"
	maxSnippet   = 200  // bytes of a peer's error body kept in LastError
	maxLastError = 1000 // LastError is for people reading the admin console, not a log
)

// verdict is what an attempt means for the job.
type verdict int

const (
	delivered verdict = iota
	retry             // worth trying again later
	permanent         // trying again cannot help
)

// outcome is the result of one attempt.
type outcome struct {
	verdict    verdict
	status     int           // HTTP status, 0 when no response arrived
	err        error         // why it was not delivered; holds no response body
	snippet    string        // start of the peer's response body, for LastError only
	retryAfter time.Duration // the peer's Retry-After, 0 when absent
}

// message is the LastError text: the reason, then what the peer said.
func (o outcome) message() string {
	if o.err == nil {
		return ""
	}
	m := o.err.Error()
	if o.snippet != "" {
		m += ": " + o.snippet
	}
	return truncate(m, maxLastError)
}

// deliver makes one attempt at j and records its outcome.
func (q *Queue) deliver(ctx context.Context, j *storage.DeliveryJob) {
	o := q.attempt(ctx, j)
	q.record(j, o, q.opt.Now(), rand.Float64())
	if err := q.store.FinishDelivery(ctx, j); err != nil {
		// The job stays leased and comes due again: the peer may get it twice,
		// which it tolerates (activities are deduplicated by id); losing it would not be.
		q.log.Error("record delivery outcome", "job", j.ID,
			"err", fmt.Errorf("deliver %s to %s: %w", j.ActivityID, j.Inbox, err))
	}
	q.logOutcome(j, o)
	if q.opt.OnResult != nil {
		q.opt.OnResult(j)
	}
}

// attempt signs and sends j once.
func (q *Queue) attempt(ctx context.Context, j *storage.DeliveryJob) outcome {
	keyID, key, err := q.signer(ctx, j.SignerID)
	if err != nil {
		if errors.Is(err, errNoSigner) {
			return outcome{verdict: permanent, err: err}
		}
		return outcome{verdict: retry, err: err} // the database may be back next time
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.Inbox, bytes.NewReader(j.Body))
	if err != nil {
		return outcome{verdict: permanent, err: fmt.Errorf("build request: %w", err)}
	}
	req.Header.Set("Content-Type", activityType)
	req.Header.Set("Accept", activityType)
	if err := signature.Sign(req, j.Body, keyID, key, q.opt.Now()); err != nil {
		return outcome{verdict: permanent, err: err}
	}
	status, header, body, err := q.opt.Client.Do(req)
	return classify(status, header, body, err, q.opt.Now())
}

// classify turns what Client.Do returned into an outcome. Once a status
// line has arrived the peer has made its decision, so the status decides
// even when reading the body failed or the body was over the client's cap
// (a 202 with a huge body was still accepted; sending again would duplicate).
func classify(status int, h http.Header, body []byte, err error, now time.Time) outcome {
	if status == 0 {
		return transportOutcome(err)
	}
	o := outcome{verdict: verdictFor(status), status: status}
	if o.verdict == delivered {
		return o
	}
	o.err = fmt.Errorf("HTTP %d %s", status, http.StatusText(status))
	if err != nil {
		o.err = fmt.Errorf("%w (reading the response: %w)", o.err, err)
	}
	o.snippet = snippet(body)
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		o.retryAfter = parseRetryAfter(h.Get("Retry-After"), now)
	}
	return o
}

// transportOutcome judges a request that got no response. Addresses and
// URLs the client refuses will be refused next time too; anything else
// (refused connections, resets, timeouts, TLS trouble) may pass later.
func transportOutcome(err error) outcome {
	if err == nil {
		err = errors.New("no response") // Do always returns a status or an error
	}
	for _, perm := range []error{fetch.ErrForbiddenAddress, fetch.ErrScheme, fetch.ErrInvalidURL} {
		if errors.Is(err, perm) {
			return outcome{verdict: permanent, err: err}
		}
	}
	return outcome{verdict: retry, err: err}
}

// verdictFor decides by status. 401 and 403 are retried: peers answer so
// when they could not fetch our key yet or hold a stale one, which heals.
// 408, 425 and 429 say "later". Every other 4xx says the request itself is
// wrong (400, 404, 405, 410 Gone, 413, 422…) and will be again. 5xx, and
// the 1xx/3xx no inbox should end on, are retried.
func verdictFor(status int) verdict {
	switch {
	case status >= 200 && status < 300:
		return delivered
	case status == http.StatusUnauthorized, status == http.StatusForbidden,
		status == http.StatusRequestTimeout, status == http.StatusTooEarly,
		status == http.StatusTooManyRequests:
		return retry
	case status >= 400 && status < 500:
		return permanent
	}
	return retry
}

// record applies o to j: attempts, state, error and the next attempt's time.
// r in [0,1) picks the jitter.
func (q *Queue) record(j *storage.DeliveryJob, o outcome, now time.Time, r float64) {
	j.Attempts++
	j.LastStatus = o.status
	j.LastError = o.message()
	switch {
	case o.verdict == delivered:
		j.State = storage.JobDone
	case o.verdict == permanent:
		j.State = storage.JobFailed
	case j.Attempts >= q.opt.MaxAttempts:
		j.State = storage.JobFailed
		j.LastError = truncate(fmt.Sprintf("gave up after %d attempts: %s", j.Attempts, j.LastError), maxLastError)
	default:
		j.State = storage.JobPending
		j.NextAttemptAt = now.Add(q.opt.delay(j.Attempts, o.retryAfter, r))
	}
}

// logOutcome logs an attempt without bodies: neither the activity (it may
// quote a post) nor the peer's answer (peers sometimes echo the activity).
func (q *Queue) logOutcome(j *storage.DeliveryJob, o outcome) {
	attrs := []any{"job", j.ID, "activity", j.ActivityID, "inbox", j.Inbox,
		"attempts", j.Attempts, "status", o.status}
	switch {
	case j.State == storage.JobDone:
		q.log.Debug("delivered", attrs...)
	case j.State == storage.JobPending:
		q.log.Info("delivery will be retried", append(attrs, "next_attempt_at", j.NextAttemptAt, "err", o.err)...)
	default:
		q.log.Warn("delivery failed", append(attrs, "err", o.err)...)
	}
}

// snippet is the start of a response body made safe to store and show:
// valid UTF-8, control characters and runs of space folded to one space.
func snippet(body []byte) string {
	if len(body) > maxSnippet {
		body = body[:maxSnippet]
	}
	s := strings.ToValidUTF8(string(body), "") // drops a rune cut in half, too
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// truncate cuts s to at most n bytes without splitting a rune.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
