package chat

// Attempt is how the caller tries an update.
type Attempt struct {
	// Retrying says the caller tries the update again after an internal
	// failure, unless Last: a failed try that is not the last is neither
	// answered nor recorded; a failed last try is answered with the apology
	// and recorded, so that the update is not redelivered forever.
	Retrying bool
	Last     bool
}

// Result is what became of an update.
type Result int

const (
	// Applied: the update is done, handled or answered with an expected
	// error, and recorded.
	Applied Result = iota
	// Seen: the update had already been applied (a redelivery, or a load
	// balancer's retry to another replica) and changed nothing.
	Seen
	// Retry: an internal failure (a lost connection, a deadlock); another
	// try may succeed. A try the caller repeats was neither answered nor
	// recorded; otherwise the member got the apology, and a last try was
	// recorded.
	Retry
	// Panicked: a handler panicked. Its effects were rolled back, the
	// member got the apology and the update was recorded: another try
	// would panic again.
	Panicked
)

// Outcome is what became of an update, with the error of a failure.
type Outcome struct {
	Result Result
	// Err is the failure of Retry, the *PanicError of Panicked, nil
	// otherwise.
	Err error
}
