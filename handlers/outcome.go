package handlers

import "context"

type seenKey struct{}

// WithSeenFlag returns a context under which HandleUpdate sets *seen when
// the update had already been applied (a redelivery, or a load balancer's
// retry to another replica), for the caller's metrics.
func WithSeenFlag(ctx context.Context) (context.Context, *bool) {
	seen := new(bool)
	return context.WithValue(ctx, seenKey{}, seen), seen
}

func markSeen(ctx context.Context) {
	if p, ok := ctx.Value(seenKey{}).(*bool); ok {
		*p = true
	}
}
