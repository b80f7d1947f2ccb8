package telegramtest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// htmlEntityTypes maps the tags Telegram's HTML parse mode accepts to entity types.
var htmlEntityTypes = map[string]string{
	"b": "bold", "strong": "bold",
	"i": "italic", "em": "italic",
	"u": "underline", "ins": "underline",
	"s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
	"span": "spoiler", "tg-spoiler": "spoiler",
	"a":          "text_link",
	"code":       "code",
	"pre":        "pre",
	"tg-emoji":   "custom_emoji",
	"blockquote": "blockquote",
}

type openTag struct {
	name   string
	attrs  map[string]string
	start  int // UTF-16 offset in the output
	offset int // byte offset in the input
}

// parseHTML checks text the way Telegram's parse_mode=HTML does and returns
// what the user sees with its entities. Errors read like Telegram's, after
// "can't parse entities: ".
func parseHTML(text string) (string, []tgbotapi.MessageEntity, error) {
	var out strings.Builder
	outLen := 0 // UTF-16 units written
	var stack []openTag
	var ents []tgbotapi.MessageEntity
	write := func(s string) {
		out.WriteString(s)
		outLen += len(utf16.Encode([]rune(s)))
	}
	for i := 0; i < len(text); {
		switch text[i] {
		case '<':
			end := strings.IndexByte(text[i:], '>')
			if strings.HasPrefix(text[i:], "</") {
				if end < 0 {
					return "", nil, fmt.Errorf("Unclosed end tag at byte offset %d", i)
				}
				name := strings.ToLower(strings.TrimSpace(text[i+2 : i+end]))
				if len(stack) == 0 {
					return "", nil, fmt.Errorf("Unexpected end tag at byte offset %d", i)
				}
				top := stack[len(stack)-1]
				if name != top.name {
					return "", nil, fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, top.name, name)
				}
				stack = stack[:len(stack)-1]
				if e, ok := entityFor(top, outLen, stack); ok {
					ents = append(ents, e)
				}
				i += end + 1
				continue
			}
			j := i + 1
			for j < len(text) && (isAlnum(text[j]) || text[j] == '-') {
				j++
			}
			name := strings.ToLower(text[i+1 : j])
			if _, ok := htmlEntityTypes[name]; !ok {
				return "", nil, fmt.Errorf("Unsupported start tag \"%s\" at byte offset %d", name, i)
			}
			attrs, n, err := parseAttrs(text[j:])
			if err != nil {
				return "", nil, fmt.Errorf("%s at byte offset %d", err, i)
			}
			if name == "span" && attrs["class"] != "tg-spoiler" {
				return "", nil, fmt.Errorf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", i)
			}
			stack = append(stack, openTag{name: name, attrs: attrs, start: outLen, offset: i})
			i = j + n
		case '&':
			semi := strings.IndexByte(text[i:], ';')
			if semi < 0 || semi > 10 {
				return "", nil, fmt.Errorf("Character entity is not terminated at byte offset %d", i)
			}
			s, ok := decodeEntity(text[i+1 : i+semi])
			if !ok {
				return "", nil, fmt.Errorf("Unsupported HTML entity \"%s\" at byte offset %d", text[i:i+semi+1], i)
			}
			write(s)
			i += semi + 1
		default:
			j := i
			for j < len(text) && text[j] != '<' && text[j] != '&' {
				j++
			}
			write(text[i:j])
			i = j
		}
	}
	if len(stack) > 0 {
		return "", nil, fmt.Errorf("Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1].name)
	}
	sort.SliceStable(ents, func(a, b int) bool {
		if ents[a].Offset != ents[b].Offset {
			return ents[a].Offset < ents[b].Offset
		}
		return ents[a].Length > ents[b].Length
	})
	return out.String(), ents, nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// parseAttrs reads attributes up to and including '>' and returns how many bytes it used.
func parseAttrs(s string) (map[string]string, int, error) {
	attrs := map[string]string{}
	i := 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
			i++
		}
		if i >= len(s) {
			return nil, 0, fmt.Errorf("Unclosed start tag")
		}
		if s[i] == '>' {
			return attrs, i + 1, nil
		}
		j := i
		for j < len(s) && (isAlnum(s[j]) || s[j] == '-' || s[j] == '_') {
			j++
		}
		if j == i {
			return nil, 0, fmt.Errorf("Expected equal sign in declaration of an attribute of the tag")
		}
		key := strings.ToLower(s[i:j])
		i = j
		if i >= len(s) || s[i] != '=' {
			attrs[key] = ""
			continue
		}
		i++
		if i >= len(s) {
			return nil, 0, fmt.Errorf("Unclosed start tag")
		}
		var val string
		if q := s[i]; q == '"' || q == '\'' {
			end := strings.IndexByte(s[i+1:], q)
			if end < 0 {
				return nil, 0, fmt.Errorf("Unclosed start tag")
			}
			val = s[i+1 : i+1+end]
			i += end + 2
		} else {
			j := i
			for j < len(s) && s[j] != ' ' && s[j] != '>' {
				j++
			}
			val = s[i:j]
			i = j
		}
		if dec, err := parseHTMLText(val); err == nil {
			val = dec
		}
		attrs[key] = val
	}
}

// parseHTMLText decodes entities in an attribute value.
func parseHTMLText(s string) (string, error) {
	plain, _, err := parseHTML(strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(s))
	return plain, err
}

func decodeEntity(name string) (string, bool) {
	switch name {
	case "lt":
		return "<", true
	case "gt":
		return ">", true
	case "amp":
		return "&", true
	case "quot":
		return "\"", true
	}
	if strings.HasPrefix(name, "#") {
		var n int64
		var err error
		if strings.HasPrefix(name, "#x") || strings.HasPrefix(name, "#X") {
			n, err = strconv.ParseInt(name[2:], 16, 32)
		} else {
			n, err = strconv.ParseInt(name[1:], 10, 32)
		}
		if err != nil || n <= 0 || n > 0x10FFFF {
			return "", false
		}
		return string(rune(n)), true
	}
	return "", false
}

func entityFor(t openTag, end int, outer []openTag) (tgbotapi.MessageEntity, bool) {
	e := tgbotapi.MessageEntity{Type: htmlEntityTypes[t.name], Offset: t.start, Length: end - t.start}
	if e.Length == 0 {
		return e, false
	}
	switch t.name {
	case "a":
		href := t.attrs["href"]
		if href == "" {
			return e, false
		}
		e.URL = href
	case "code":
		// <pre><code class="language-go"> is one pre entity with a language.
		if len(outer) > 0 && outer[len(outer)-1].name == "pre" {
			if lang, ok := strings.CutPrefix(t.attrs["class"], "language-"); ok {
				outer[len(outer)-1].attrs["language"] = lang
			}
			return e, false
		}
	case "pre":
		e.Language = t.attrs["language"]
	}
	return e, true
}
