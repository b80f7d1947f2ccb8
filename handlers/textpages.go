package handlers

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf16"
)

// Long texts are paged for "Đọc toàn văn": Telegram takes at most 4,096
// characters a message, and a page must never cut a word.

// TextPages splits a document's text into the pages of "Đọc toàn văn":
// each page is HTML, starts with the heading and "trang n/N", and is at
// most MaxMessageLen characters (UTF-16 code units, as Telegram counts)
// after escaping. Pages break between paragraphs; a paragraph longer than
// a page breaks between sentences, and a sentence longer than a page
// between words, never inside one.
func TextPages(heading, body string) []string {
	header := func(n, total int) string {
		return fmt.Sprintf("📖 <b>%s</b> · trang %d/%d\n\n", esc(heading), n, total)
	}
	room := MaxMessageLen - htmlLen(header(99999, 99999))
	chunks := splitText(body, room)
	if len(chunks) == 0 {
		chunks = []string{""}
	}
	pages := make([]string, len(chunks))
	for i, c := range chunks {
		pages[i] = header(i+1, len(chunks)) + c
	}
	return pages
}

// htmlLen is the length Telegram counts, in UTF-16 code units.
func htmlLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

var (
	paragraphBreak = regexp.MustCompile(`\n[ \t]*\n\s*`)
	sentenceEnd    = regexp.MustCompile(`[.!?…;:]["”’)]*\s+`)
)

// splitText packs escaped paragraphs into chunks of at most room.
func splitText(body string, room int) []string {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	var units []string // escaped pieces, each within room
	for _, p := range paragraphBreak.Split(body, -1) {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if htmlLen(esc(p)) <= room {
			units = append(units, esc(p))
			continue
		}
		units = append(units, splitParagraph(p, room)...)
	}
	// Escaping works character by character, so lengths add up.
	var chunks []string
	var cur []string
	curLen := 0
	for _, u := range units {
		l := htmlLen(u)
		if len(cur) > 0 && curLen+2+l > room {
			chunks = append(chunks, strings.Join(cur, "\n\n"))
			cur, curLen = nil, 0
		}
		if len(cur) > 0 {
			curLen += 2
		}
		cur, curLen = append(cur, u), curLen+l
	}
	if len(cur) > 0 {
		chunks = append(chunks, strings.Join(cur, "\n\n"))
	}
	return chunks
}

// splitParagraph splits one long paragraph into escaped pieces of at most
// room: whole sentences where they fit, else whole words.
func splitParagraph(p string, room int) []string {
	var sentences []string
	last := 0
	for _, loc := range sentenceEnd.FindAllStringIndex(p, -1) {
		sentences = append(sentences, strings.TrimSpace(p[last:loc[1]]))
		last = loc[1]
	}
	if last < len(p) {
		sentences = append(sentences, strings.TrimSpace(p[last:]))
	}
	var pieces []string
	for _, s := range sentences {
		if htmlLen(esc(s)) <= room {
			pieces = append(pieces, s)
			continue
		}
		pieces = append(pieces, strings.Fields(s)...)
	}
	var out []string
	var cur []string // escaped words of the piece being filled
	curLen := 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
			cur, curLen = nil, 0
		}
	}
	for _, w := range pieces {
		e := esc(w)
		l := htmlLen(e)
		if l > room {
			// A "word" longer than a page (a pasted URL, say): cut it.
			flush()
			out = append(out, hardCut(w, room)...)
			continue
		}
		if len(cur) > 0 && curLen+1+l > room {
			flush()
		}
		if len(cur) > 0 {
			curLen++
		}
		cur, curLen = append(cur, e), curLen+l
	}
	flush()
	return out
}

// hardCut cuts w into escaped pieces of at most room, between characters.
func hardCut(w string, room int) []string {
	var out []string
	var b strings.Builder
	n := 0
	for _, r := range w {
		e := esc(string(r))
		l := htmlLen(e)
		if n+l > room {
			out = append(out, b.String())
			b.Reset()
			n = 0
		}
		b.WriteString(e)
		n += l
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}
