package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"sotay/bot/telegramtest"
	"sotay/bot/web"
	"sotay/handlers"
	"sotay/storage"
)

// voiceLabel is the button that sends a summary, as the handlers draw it.
func voiceLabel(v storage.VoiceSummary) string {
	return fmt.Sprintf("🔊 Nghe tóm tắt (%s, %s)", v.Spoken(), v.Length())
}

// A pushed document's voice summary pressed on the web: the recording
// comes as a player (audio, not a download) served from the file store
// with Telegram's getFile failing, ranges answered as an <audio> element
// asks; the press records reading and listening as in Telegram.
func TestWebVoiceSummaryPlaysAndCounts(t *testing.T) {
	st := start(t)
	ctx := context.Background()
	docID := insertDocument(t, st.s)
	mp3, err := os.ReadFile("../../storage/audio/testdata/short.mp3")
	if err != nil {
		t.Fatal(err)
	}
	v, err := st.s.AddVoiceSummary(ctx, storage.VoiceInput{DocumentID: docID, Lang: "vi", Name: "tom-tat.mp3", Data: mp3, Actor: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	st.tg.InjectFault("getFile", telegramtest.Fault{Code: http.StatusBadGateway, Times: -1})
	minh := st.browser()
	minh.signIn(st.link("DV1"))
	minh.poll()
	root, _ := st.s.Organisation(ctx, "ROOT")
	c, err := st.s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: docID, OrgIDs: []int64{root.ID}, Actor: "test",
		Message: handlers.PushMessage, WithVoice: handlers.PushVoiceMessage})
	if err != nil {
		t.Fatal(err)
	}
	minh.waitFor("Có bản tóm tắt bằng tiếng Việt")
	toast := minh.press(voiceLabel(v))
	if !strings.Contains(toast, "Đang gửi bản tóm tắt") {
		t.Errorf("toast %q", toast)
	}
	var audio *web.File
	deadline := time.Now().Add(wait)
	for audio == nil && time.Now().Before(deadline) {
		minh.poll()
		for _, m := range minh.msgs {
			if m.Audio != nil {
				a := *m.Audio
				audio = &a
				if m.Document != nil || !strings.Contains(m.HTML, "Tóm tắt") {
					t.Errorf("the summary's message %+v", m)
				}
			}
		}
	}
	if audio == nil {
		t.Fatalf("no player in the chat: %+v", minh.msgs)
	}
	path := strings.TrimPrefix(audio.URL, "/sotay/")
	res, got := minh.do(http.MethodGet, path, nil, "")
	if res.StatusCode != http.StatusOK || !bytes.Equal(got, mp3) || res.Header.Get("Content-Type") != "audio/mpeg" ||
		!strings.HasPrefix(res.Header.Get("Content-Disposition"), "inline") || res.Header.Get("Accept-Ranges") != "bytes" {
		t.Fatalf("recording: %d %q %q, %d bytes", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"), len(got))
	}
	req, _ := http.NewRequest(http.MethodGet, st.url+path, nil)
	req.Header.Set("Range", "bytes=0-99")
	part, err := minh.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	part.Body.Close()
	if part.StatusCode != http.StatusPartialContent || part.ContentLength != 100 {
		t.Errorf("a range: %d, %d bytes", part.StatusCode, part.ContentLength)
	}

	var a struct {
		State    string     `db:"state"`
		Listened *time.Time `db:"listened_at"`
	}
	if err := st.s.DB().Get(&a, `SELECT a.state, a.listened_at FROM assignments a JOIN members m ON m.id = a.member_id
		WHERE a.campaign_id = $1 AND m.code = 'DV1'`, c.ID); err != nil {
		t.Fatal(err)
	}
	if a.State != storage.AssignRead || a.Listened == nil {
		t.Errorf("DV1's assignment after the press on the web: %+v", a)
	}
}
