package demodata

import (
	"context"
	_ "embed"
	"fmt"

	"sotay/storage"
)

// SummaryOGG is the demo's voice summary of Kết luận 21-KL/TW in
// Vietnamese: 19 seconds of OGG/Opus at 16 kbit/s, spoken once by
// espeak-ng and encoded by opusenc, both from Debian's packages
// (`espeak-ng -v vi -s 150 -w tom-tat.wav "…"` then `opusenc --bitrate 16
// --speech tom-tat.wav tom-tat-21-kl-tw.ogg`). The program needs neither.
//
//go:embed tom-tat-21-kl-tw.ogg
var SummaryOGG []byte

// SummaryNumber is the demo document with a voice summary.
const SummaryNumber = "21-KL/TW"

// addVoiceSummary gives Kết luận 21-KL/TW its Vietnamese voice summary,
// recorded by the demo's admin, so that the card and the pushes offer
// «🔊 Nghe tóm tắt».
func addVoiceSummary(ctx context.Context, d *Demo) error {
	doc, err := d.S.DocumentByNumber(ctx, SummaryNumber, "")
	if err != nil {
		return fmt.Errorf("voice summary: %w", err)
	}
	admin, err := d.S.Member(ctx, d.Admin)
	if err != nil {
		return fmt.Errorf("voice summary: %w", err)
	}
	_, err = d.S.AddVoiceSummary(ctx, storage.VoiceInput{
		DocumentID: doc.ID, Lang: storage.DefaultLanguage, Name: "tom-tat-21-kl-tw.ogg", Data: SummaryOGG,
		RecordedBy: &admin.ID, Actor: Actor,
	})
	if err != nil {
		return fmt.Errorf("voice summary: %w", err)
	}
	return nil
}
