package handlers

import (
	"strings"
	"time"
)

// offlineAfter is how long an action waits on the phone before its reply
// says which time was recorded for it.
const offlineAfter = time.Minute

// recordedLine tells the member which time was recorded for an action
// that waited on their phone (a web action sent after the network
// returned, chat.Request.ActedAt): the time they acted, or the time it
// arrived when the phone's time is not believable (storage.ActionTime).
// Empty for an action sent at once, and for Telegram's.
func recordedLine(acted, received, recorded time.Time, loc *time.Location) string {
	if acted.IsZero() || received.Sub(acted) < offlineAfter {
		return ""
	}
	at := recorded.In(loc).Format("15:04 02/01/2006")
	if recorded.Equal(acted) {
		return "\n🕓 Ghi nhận lúc " + at + ", lúc đồng chí thao tác khi chưa có mạng."
	}
	return "\n🕓 Ghi nhận lúc " + at + ", lúc máy chủ nhận được (thời điểm thao tác gửi kèm không hợp lệ)."
}

// toastLine is recordedLine for a toast: one line.
func toastLine(line string) string { return strings.ReplaceAll(line, "\n", " ") }
