package wire

import (
	"testing"

	"sotay/bot"
	"sotay/handlers"
)

// Every outcome of the handlers reaches the bot under its own name: a
// result added to one side and not the other fails here, not in a panic
// while serving.
func TestEveryResultMapped(t *testing.T) {
	want := map[handlers.Result]bot.Result{
		handlers.Applied:  bot.Applied,
		handlers.Seen:     bot.Seen,
		handlers.Retry:    bot.Retry,
		handlers.Panicked: bot.Panicked,
	}
	for r := handlers.Applied; r <= handlers.Panicked; r++ {
		if got := result(r); got != want[r] {
			t.Errorf("result(%d) = %d, want %d", r, got, want[r])
		}
	}
}
