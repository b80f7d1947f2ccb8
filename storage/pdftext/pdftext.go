// Package pdftext reads the text layer of a PDF's first page, where a
// secrecy stamp ("MẬT", "Độ mật: Tối mật") sits, so that storage can refuse
// a stamped file (and of any page, to read back the papers sotay prints). It reads what the page's content stream draws — text
// objects and the forms they call — and not how it looks: each text
// object, and each move to another line inside one, starts a new line.
//
// github.com/ledongthuc/pdf opens the file (cross-references, objects,
// filters); the text is decoded here, because its ToUnicode reader misreads
// ranges wider than 256 codes, which is what fpdf and other tools write
// for a whole font ("<0000> <FFFF> <0000>").
package pdftext

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
)

// MaxText is how much text of the page is read; a stamp is near the top.
const MaxText = 64 << 10

// Bounds on the work one page may ask for, so that a hostile file (a form
// drawn by itself a thousand times over, a compressed stream of millions of
// operators without text) costs a moment and not the server: forms inside
// forms, forms drawn, operators read.
const (
	maxDepth = 4
	maxForms = 256
	maxOps   = 1 << 21
)

// IsPDF reports whether data looks like a PDF file: "%PDF-" in its first
// kilobyte, as readers accept it.
func IsPDF(data []byte) bool {
	return bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-"))
}

// FirstPage returns the text the first page of a PDF draws, one line per
// text object or line of text. A file that is not a PDF, is damaged or
// encrypted, or whose first page has no text layer (a scan) gives "" and
// an error saying why; no file makes it panic.
func FirstPage(data []byte) (text string, err error) { return Page(data, 1) }

// Page is FirstPage for page n, counted from 1 (the papers sotay prints
// are read back with it).
func Page(data []byte, n int) (text string, err error) {
	var b builder
	defer func() {
		if x := recover(); x != nil {
			if _, full := x.(fullError); full {
				text, err = b.String(), nil
				return
			}
			text, err = "", fmt.Errorf("pdftext: damaged PDF: %v", x)
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("pdftext: %w", err)
	}
	if n < 1 || n > r.NumPage() {
		return "", fmt.Errorf("pdftext: no page %d", n)
	}
	page := r.Page(n)
	if page.V.IsNull() {
		return "", fmt.Errorf("pdftext: no page %d", n)
	}
	b.draw(page.V.Key("Contents"), page.Resources(), 0)
	if strings.TrimSpace(b.String()) == "" {
		return "", fmt.Errorf("pdftext: no text on page %d", n)
	}
	return b.String(), nil
}

// NumPages is how many pages a PDF has; a file that cannot be read gives
// an error, never a panic.
func NumPages(data []byte) (n int, err error) {
	defer func() {
		if x := recover(); x != nil {
			n, err = 0, fmt.Errorf("pdftext: damaged PDF: %v", x)
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return 0, fmt.Errorf("pdftext: %w", err)
	}
	return r.NumPage(), nil
}

// fullError stops reading once MaxText or maxOps is reached; what was read
// so far is the page's text.
type fullError struct{}

type builder struct {
	strings.Builder
	forms, ops int
}

func (b *builder) write(s string) {
	b.WriteString(s)
	if b.Len() > MaxText {
		panic(fullError{})
	}
}

func (b *builder) newline() {
	if s := b.String(); s != "" && !strings.HasSuffix(s, "\n") {
		b.write("\n")
	}
}

// draw reads a content stream with its resources.
func (b *builder) draw(content, res pdf.Value, depth int) {
	if content.IsNull() {
		return
	}
	var font decoder = latin1{}
	fonts := map[string]decoder{} // by resource name, read once per stream
	pdf.Interpret(content, func(stk *pdf.Stack, op string) {
		if b.ops++; b.ops > maxOps {
			panic(fullError{})
		}
		args := make([]pdf.Value, stk.Len())
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		switch op {
		case "BT", "ET", "T*":
			b.newline()
		case "Td", "TD":
			if len(args) == 2 && args[1].Float64() != 0 {
				b.newline()
			} else {
				b.write(" ")
			}
		case "Tm":
			b.newline()
		case "Tf":
			if len(args) != 2 {
				return
			}
			name := args[0].Name()
			if _, ok := fonts[name]; !ok {
				fonts[name] = fontDecoder(res.Key("Font").Key(name))
			}
			font = fonts[name]
		case "Tj":
			if len(args) == 1 {
				b.write(font.decode(args[0].RawString()))
			}
		case "'", "\"":
			b.newline()
			if len(args) > 0 {
				b.write(font.decode(args[len(args)-1].RawString()))
			}
		case "TJ":
			if len(args) != 1 {
				return
			}
			a := args[0]
			for i := 0; i < a.Len(); i++ {
				switch x := a.Index(i); x.Kind() {
				case pdf.String:
					b.write(font.decode(x.RawString()))
				case pdf.Integer, pdf.Real:
					// A wide move to the right is a space between words.
					if x.Float64() < -250 {
						b.write(" ")
					}
				}
			}
		case "Do":
			if len(args) != 1 || depth >= maxDepth || b.forms >= maxForms {
				return
			}
			b.forms++
			x := res.Key("XObject").Key(args[0].Name())
			if x.Key("Subtype").Name() != "Form" {
				return
			}
			xres := x.Key("Resources")
			if xres.IsNull() {
				xres = res
			}
			b.newline()
			b.draw(x, xres, depth+1)
			b.newline()
		}
	})
}

// fontDecoder returns the decoder of a font dictionary: its ToUnicode map
// when it has one, the library's reading of its encoding otherwise.
func fontDecoder(f pdf.Value) decoder {
	switch {
	case f.IsNull():
	case f.Key("ToUnicode").Kind() == pdf.Stream:
		if m := readCMap(f.Key("ToUnicode")); m != nil {
			return m
		}
	default:
		return encoding{(&pdf.Font{V: f}).Encoder()}
	}
	return latin1{}
}

// decoder turns the bytes a text operator shows into text.
type decoder interface{ decode(raw string) string }

type latin1 struct{}

func (latin1) decode(raw string) string {
	r := make([]rune, len(raw))
	for i := 0; i < len(raw); i++ {
		r[i] = rune(raw[i])
	}
	return string(r)
}

type encoding struct{ pdf.TextEncoding }

func (e encoding) decode(raw string) string { return e.Decode(raw) }

// cmap is a ToUnicode CMap: code space ranges, single codes and ranges.
type cmap struct {
	spaces []codeRange // lo, hi of the same length
	chars  map[string]string
	ranges []bfRange
}

type codeRange struct{ lo, hi string }

type bfRange struct {
	lo, hi uint32
	n      int      // bytes of a code
	dst    string   // UTF-16BE of lo, incremented along the range
	list   []string // or one UTF-16BE string per code
}

// readCMap parses a ToUnicode stream; nil when it has nothing usable.
func readCMap(v pdf.Value) *cmap {
	rd := v.Reader()
	defer rd.Close()
	data, err := io.ReadAll(io.LimitReader(rd, 4<<20))
	if err != nil && len(data) == 0 {
		return nil
	}
	m := &cmap{chars: map[string]string{}}
	toks := tokens(data)
	for i := 0; i < len(toks); i++ {
		switch toks[i].word {
		case "begincodespacerange":
			for i++; i+1 < len(toks) && toks[i].word == "" && toks[i+1].word == ""; i += 2 {
				lo, hi := toks[i].hex, toks[i+1].hex
				if len(lo) > 0 && len(lo) == len(hi) && len(lo) <= 4 {
					m.spaces = append(m.spaces, codeRange{lo, hi})
				}
			}
		case "beginbfchar":
			for i++; i+1 < len(toks) && toks[i].word == "" && toks[i+1].word == ""; i += 2 {
				m.chars[toks[i].hex] = toks[i+1].hex
			}
		case "beginbfrange":
			for i++; i+2 < len(toks) && toks[i].word == "" && toks[i+1].word == ""; i += 3 {
				lo, hi := toks[i].hex, toks[i+1].hex
				if len(lo) == 0 || len(lo) != len(hi) || len(lo) > 4 {
					continue
				}
				r := bfRange{lo: code(lo), hi: code(hi), n: len(lo)}
				switch d := toks[i+2]; {
				case d.word == "[":
					for i += 3; i < len(toks) && toks[i].word == ""; i++ {
						r.list = append(r.list, toks[i].hex)
					}
					i -= 2 // i+3 is the token after "]"
				case d.word == "":
					r.dst = d.hex
				default:
					continue
				}
				if r.lo <= r.hi {
					m.ranges = append(m.ranges, r)
				}
			}
		}
	}
	if len(m.chars) == 0 && len(m.ranges) == 0 {
		return nil
	}
	return m
}

func (m *cmap) decode(raw string) string {
	var out strings.Builder
	for len(raw) > 0 {
		n := m.codeLen(raw)
		c := raw[:n]
		raw = raw[n:]
		if s, ok := m.chars[c]; ok {
			out.WriteString(utf16BE(s, 0))
			continue
		}
		v := code(c)
		for _, r := range m.ranges {
			if r.n != n || v < r.lo || v > r.hi {
				continue
			}
			if r.list != nil {
				if k := int(v - r.lo); k < len(r.list) {
					out.WriteString(utf16BE(r.list[k], 0))
				}
			} else {
				out.WriteString(utf16BE(r.dst, v-r.lo))
			}
			break
		}
	}
	return out.String()
}

// codeLen is how many bytes the code at the start of raw takes: the
// length of the code space range it falls in, 1 when none.
func (m *cmap) codeLen(raw string) int {
	for _, s := range m.spaces {
		n := len(s.lo)
		if n <= len(raw) && s.lo <= raw[:n] && raw[:n] <= s.hi {
			return n
		}
	}
	if len(m.spaces) == 0 && len(raw) >= 2 {
		return 2 // a CID font's codes, when the map names no space
	}
	return 1
}

func code(s string) uint32 {
	var v uint32
	for i := 0; i < len(s); i++ {
		v = v<<8 | uint32(s[i])
	}
	return v
}

// utf16BE decodes UTF-16BE bytes, adding inc to the last unit (a range's
// offset from its first code).
func utf16BE(s string, inc uint32) string {
	u := make([]uint16, len(s)/2)
	for i := range u {
		u[i] = uint16(s[2*i])<<8 | uint16(s[2*i+1])
	}
	if len(u) == 0 {
		return ""
	}
	u[len(u)-1] += uint16(inc)
	return string(utf16.Decode(u))
}

// token is a word of a CMap (an operator, "[" or "]") or, when word is
// "", the bytes of a hexadecimal string.
type token struct {
	word string
	hex  string
}

// tokens splits a CMap into its hexadecimal strings and words; names,
// numbers, literal strings and dictionaries are kept as words, which the
// sections read stop at.
func tokens(data []byte) []token {
	var out []token
	for i := 0; i < len(data); {
		c := data[i]
		switch {
		case c == '%':
			for i < len(data) && data[i] != '\n' && data[i] != '\r' {
				i++
			}
		case c == '<' && i+1 < len(data) && data[i+1] == '<', c == '>' && i+1 < len(data) && data[i+1] == '>':
			out = append(out, token{word: string(data[i : i+2])})
			i += 2
		case c == '<':
			j := bytes.IndexByte(data[i:], '>')
			if j < 0 {
				return out
			}
			out = append(out, token{hex: unhex(data[i+1 : i+j])})
			i += j + 1
		case c == '[' || c == ']':
			out = append(out, token{word: string(c)})
			i++
		case c == '(':
			// A literal string (a CMap's name, say): skip it, nesting and escapes included.
			depth := 0
			for ; i < len(data); i++ {
				switch data[i] {
				case '\\':
					i++
				case '(':
					depth++
				case ')':
					depth--
				}
				if depth == 0 {
					break
				}
			}
			out = append(out, token{word: "()"})
			i++
		case isSpace(c):
			i++
		default:
			j := i + 1
			for j < len(data) && !isSpace(data[j]) && !strings.ContainsRune("<>[]()%/", rune(data[j])) {
				j++
			}
			out = append(out, token{word: string(data[i:j])})
			i = j
		}
	}
	return out
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0
}

func unhex(h []byte) string {
	var digits []byte
	for _, c := range h {
		switch {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
			digits = append(digits, c)
		}
	}
	if len(digits)%2 == 1 {
		digits = append(digits, '0')
	}
	out := make([]byte, len(digits)/2)
	for i := range out {
		out[i] = nib(digits[2*i])<<4 | nib(digits[2*i+1])
	}
	return string(out)
}

func nib(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
