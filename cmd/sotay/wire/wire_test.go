package wire

import (
	"testing"

	"sotay/bot"
	"sotay/handlers/chat"
)

// Every outcome of the handlers reaches the bot under its own name: a
// result added to one side and not the other fails here, not in a panic
// while serving.
func TestEveryResultMapped(t *testing.T) {
	want := map[chat.Result]bot.Result{
		chat.Applied:  bot.Applied,
		chat.Seen:     bot.Seen,
		chat.Retry:    bot.Retry,
		chat.Panicked: bot.Panicked,
	}
	for r := chat.Applied; r <= chat.Panicked; r++ {
		if got := result(r); got != want[r] {
			t.Errorf("result(%d) = %d, want %d", r, got, want[r])
		}
	}
}
