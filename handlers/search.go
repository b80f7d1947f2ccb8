package handlers

import (
	"context"
	"fmt"
	"strings"

	"sotay/handlers/chat"
	"sotay/storage"
	"sotay/storage/vn"
)

// /tim searches the documents a member may read: "/tim <words>" at once,
// or /tim alone asks for the words (the "tim" dialog).

// searchDraft is the /tim dialog's state: nothing but the question.
type searchDraft struct{}

// stepSearchWords is the "tim" dialog's one step.
const stepSearchWords chat.StepID[searchDraft] = "words"

func (h *Handlers) searchDialog() *chat.Dialog[searchDraft] {
	return &chat.Dialog[searchDraft]{
		Name:  "tim",
		Fresh: true, // "🔎 Tìm lại" keeps the results it sits under
		Stale: "Tìm kiếm này đã xong. Đồng chí gõ /tim để tìm lại.",
		Steps: []*chat.Step[searchDraft]{{
			ID: stepSearchWords,
			View: func(_ context.Context, c *chat.Conv[searchDraft]) (string, chat.Keyboard, error) {
				return msgSearchAsk, nil, nil
			},
			Text: func(ctx context.Context, c *chat.Conv[searchDraft], text string) error {
				if strings.TrimSpace(text) == "" {
					return storage.Errorf(storage.CodeInvalid, "Đồng chí gõ từ cần tìm bằng tin nhắn chữ.")
				}
				msg, kb, err := h.searchResults(ctx, c.Request, text)
				if err != nil {
					return err
				}
				c.End(msg, &kb)
				return nil
			},
		}},
	}
}

// searchCommand is /tim: with words it answers at once, without them it asks.
func (h *Handlers) searchCommand(ctx context.Context, r *chat.Request) error {
	if strings.TrimSpace(r.Args) == "" {
		return h.search.Start(ctx, r, stepSearchWords, searchDraft{})
	}
	msg, kb, err := h.searchResults(ctx, r, r.Args)
	if err != nil {
		return err
	}
	r.Reply(msg, kb)
	return nil
}

// searchResults is the answer to a query: a button per document found.
func (h *Handlers) searchResults(ctx context.Context, r *chat.Request, query string) (string, chat.Markup, error) {
	hits, err := r.Store.SearchDocuments(ctx, *r.Member, query, storage.MaxSearchResults)
	if err != nil {
		return "", chat.Markup{}, err
	}
	msg, kb := drawSearchResults(query, hits)
	return msg, kb, nil
}

func drawSearchResults(query string, hits []storage.SearchHit) (string, chat.Markup) {
	again := chat.NewRow(chat.CommandButton("🔎 Tìm lại", "tim"))
	if len(hits) == 0 {
		return fmt.Sprintf(msgSearchNone, esc(vn.Cut(query, 100))), chat.NewMarkup(again)
	}
	var rows chat.Keyboard
	for _, hit := range hits {
		label := vn.Cut(fmt.Sprintf("%s %s · %s", hit.KindName(), hit.Number, hit.Title), 60)
		rows = append(rows, chat.NewRow(chat.NewButton(label, cbDocument, hit.ID)))
	}
	rows = append(rows, again)
	more := ""
	if len(hits) == storage.MaxSearchResults {
		more = " Nếu chưa thấy văn bản cần tìm, đồng chí hãy gõ thêm từ."
	}
	return fmt.Sprintf("🔎 Kết quả cho «%s»: %d văn bản.%s Chọn văn bản để xem:", esc(vn.Cut(query, 100)), len(hits), more),
		chat.NewMarkup(rows...)
}

// msgSearchElse follows "nothing found" for text typed without /tim: it
// may not have been a search at all.
const msgSearchElse = "\n\nNếu đồng chí không tìm văn bản, hãy chọn một chức năng dưới đây, hoặc gõ /trogiup để xem hướng dẫn."

// searchUnprompted answers plain text that no dialog takes as a search
// (the unknown handler): the documents found, or, when none is, that and
// the menu.
func (h *Handlers) searchUnprompted(ctx context.Context, r *chat.Request) error {
	hits, err := r.Store.SearchDocuments(ctx, *r.Member, r.Text, storage.MaxSearchResults)
	if err != nil {
		return err
	}
	if len(hits) == 0 {
		r.Reply(fmt.Sprintf(msgSearchNone, esc(vn.Cut(r.Text, 100)))+msgSearchElse, h.menuKeyboard(r))
		return nil
	}
	msg, kb := drawSearchResults(r.Text, hits)
	r.Reply(msg, kb)
	return nil
}
