package admin

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/storage"
)

const deliveryPageSize = 100

type deliveriesData struct {
	base
	Pending, Failed           []*storage.DeliveryJob
	PendingCount, FailedCount int
}

func (c *Console) deliveries(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := deliveriesData{base: c.base(r, "deliveries")}
	var err error
	if d.Pending, err = c.store.PendingDeliveries(ctx, deliveryPageSize); err == nil {
		if d.Failed, err = c.store.Deliveries(ctx, storage.JobFailed, deliveryPageSize); err == nil {
			if d.PendingCount, err = c.store.CountDeliveries(ctx, storage.JobPending); err == nil {
				d.FailedCount, err = c.store.CountDeliveries(ctx, storage.JobFailed)
			}
		}
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, r, "admin_deliveries", "Delivery queue", 0, d)
}

// retryDelivery makes a pending or failed job due now.
func (c *Console) retryDelivery(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	j, err := c.store.Delivery(ctx, id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	act, detail := audit.DeliveryRetry, map[string]any{"delivery": storage.FormatID(id), "state": j.State}
	err = c.inTx(r, act, j.Inbox, detail, func(tx storage.Store) error {
		return tx.RetryDelivery(ctx, id, time.Now().UTC())
	})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	done(w, r, "/admin/deliveries", "retry")
}
