package telegramtest_test

import (
	"os"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage/demodata"
)

// sendVoice and sendAudio answer as Telegram does: the voice or audio with
// its length (the duration sent, else the file's own), and a file_id that
// sends the same kind again, and no other.
func TestVoiceAndAudio(t *testing.T) {
	s, bot, u := MustChat(t)
	v := tgbotapi.NewVoice(u.ID(), tgbotapi.FileBytes{Name: "tom-tat.ogg", Bytes: demodata.SummaryOGG})
	v.Caption = "Tóm tắt"
	sent, err := bot.Send(v)
	if err != nil {
		t.Fatal(err)
	}
	if sent.Voice == nil || sent.Voice.Duration != 19 || sent.Voice.MimeType != "audio/ogg" || sent.Voice.FileSize != len(demodata.SummaryOGG) || sent.Caption != "Tóm tắt" {
		t.Fatalf("result = %+v %+v", sent, sent.Voice)
	}
	if last, _ := u.LastMessage(); last.Voice == nil || last.Voice.Duration != 19 || last.Method != "sendVoice" || string(last.Voice.Data) != string(demodata.SummaryOGG) {
		t.Fatalf("recorded = %+v", last)
	}
	t.Run("DurationSentWins", func(t *testing.T) {
		v := tgbotapi.NewVoice(u.ID(), tgbotapi.FileBytes{Name: "x.ogg", Bytes: demodata.SummaryOGG[:3000]})
		v.Duration = 7
		got, err := bot.Send(v)
		if err != nil || got.Voice.Duration != 7 {
			t.Fatalf("got %+v %v", got.Voice, err)
		}
	})
	t.Run("ResendByFileIDOfTheSameKindOnly", func(t *testing.T) {
		again, err := bot.Send(tgbotapi.NewVoice(u.ID(), tgbotapi.FileID(sent.Voice.FileID)))
		if err != nil || again.Voice.FileID != sent.Voice.FileID || again.Voice.Duration != 19 {
			t.Fatalf("resend = %+v %v", again.Voice, err)
		}
		_, err = bot.Send(tgbotapi.NewAudio(u.ID(), tgbotapi.FileID(sent.Voice.FileID)))
		if te := apiError(t, err); te.Message != "Bad Request: can't use file of type Voice as Audio" {
			t.Fatalf("got %q", te.Message)
		}
		_, err = bot.Send(tgbotapi.NewDocument(u.ID(), tgbotapi.FileID(sent.Voice.FileID)))
		if te := apiError(t, err); te.Message != "Bad Request: can't use file of type Voice as Document" {
			t.Fatalf("got %q", te.Message)
		}
	})
	t.Run("Audio", func(t *testing.T) {
		mp3, err := os.ReadFile("../../storage/audio/testdata/short.mp3")
		if err != nil {
			t.Fatal(err)
		}
		got, err := bot.Send(tgbotapi.NewAudio(u.ID(), tgbotapi.FileBytes{Name: "tom-tat.mp3", Bytes: mp3}))
		if err != nil {
			t.Fatal(err)
		}
		if got.Audio == nil || got.Audio.Duration != 1 || got.Audio.FileName != "tom-tat.mp3" || got.Audio.MimeType != "audio/mpeg" {
			t.Fatalf("audio = %+v", got.Audio)
		}
		if last, _ := u.LastMessage(); last.Audio == nil || last.Method != "sendAudio" {
			t.Fatalf("recorded = %+v", last)
		}
		_, err = bot.Send(tgbotapi.NewVoice(u.ID(), tgbotapi.FileID(got.Audio.FileID)))
		if te := apiError(t, err); te.Message != "Bad Request: can't use file of type Audio as Voice" {
			t.Fatalf("got %q", te.Message)
		}
		f, err := bot.GetFile(tgbotapi.FileConfig{FileID: got.Audio.FileID})
		if err != nil || f.FileSize != len(mp3) {
			t.Fatalf("getFile = %+v %v", f, err)
		}
	})
	t.Run("UserVoiceReplyingToTheBot", func(t *testing.T) {
		m := u.SendVoice(demodata.SummaryOGG, "/giongnoi 21-KL/TW mong", sent.MessageID)
		if m.Voice == nil || m.Voice.Duration != 19 || m.ReplyToMessage == nil || m.ReplyToMessage.MessageID != sent.MessageID {
			t.Fatalf("message = %+v", m)
		}
		if len(m.CaptionEntities) != 1 || m.CaptionEntities[0].Length != len("/giongnoi") {
			t.Fatalf("caption entities = %+v", m.CaptionEntities)
		}
		link, err := bot.GetFileDirectURL(m.Voice.FileID)
		if err != nil {
			t.Fatal(err)
		}
		if got := download(t, s.Client(), link); got != string(demodata.SummaryOGG) {
			t.Fatal("download differs")
		}
		if a := u.SendAudio("mong.mp3", "audio/mpeg", []byte("not sound"), "", 0); a.Audio == nil || a.Audio.Duration != 0 || a.ReplyToMessage != nil {
			t.Fatalf("audio message = %+v", a)
		}
	})
}
