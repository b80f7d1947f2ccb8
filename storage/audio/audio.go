// Package audio reads what the handbook needs to know of a recorded voice
// summary before keeping it: which of the accepted formats it is (OGG/Opus,
// the voice notes Telegram records; MP3; M4A, what phones record) and how
// long it plays, read from the file itself. OGG pages are read with pion's
// oggreader, MP3 frames with go-mp3; M4A's one box that says the length
// (mvhd) is read here, the MP4 readers on the module proxy not being
// available to this project.
package audio

import (
	"bytes"
	"errors"
	"fmt"
	"time"
)

// Format is an accepted audio format.
type Format string

// The accepted formats.
const (
	OggOpus Format = "ogg_opus"
	MP3     Format = "mp3"
	M4A     Format = "m4a"
)

// Mime is the format's media type.
func (f Format) Mime() string {
	switch f {
	case OggOpus:
		return "audio/ogg"
	case MP3:
		return "audio/mpeg"
	case M4A:
		return "audio/mp4"
	}
	return "application/octet-stream"
}

// Ext is the format's file name extension.
func (f Format) Ext() string {
	switch f {
	case OggOpus:
		return ".ogg"
	case MP3:
		return ".mp3"
	case M4A:
		return ".m4a"
	}
	return ""
}

// Name is how the format is named to people.
func (f Format) Name() string {
	switch f {
	case OggOpus:
		return "OGG/Opus"
	case MP3:
		return "MP3"
	case M4A:
		return "M4A"
	}
	return string(f)
}

// IsVoice reports whether Telegram plays the format as a voice note:
// OGG/Opus is what its voice messages are.
func (f Format) IsVoice() bool { return f == OggOpus }

// Info is what Probe reads of a file.
type Info struct {
	Format   Format
	Duration time.Duration
}

// Errors Probe returns, wrapped with the detail.
var (
	// ErrUnknownFormat is a file that is none of the accepted formats.
	ErrUnknownFormat = errors.New("audio: not OGG/Opus, MP3 or M4A")
	// ErrNotOpus is an OGG file whose stream is not Opus (Vorbis, say).
	ErrNotOpus = errors.New("audio: OGG stream is not Opus")
	// ErrUnreadable is a file of an accepted format whose length cannot be
	// read from it (cut short, damaged).
	ErrUnreadable = errors.New("audio: length unreadable")
)

// Probe says which accepted format data is in and how long it plays.
func Probe(data []byte) (Info, error) {
	var f Format
	var d time.Duration
	var err error
	switch {
	case bytes.HasPrefix(data, []byte("OggS")):
		f = OggOpus
		d, err = oggOpusDuration(data)
	case len(data) >= 12 && string(data[4:8]) == "ftyp":
		f = M4A
		d, err = m4aDuration(data)
	case isMP3(data):
		f = MP3
		d, err = mp3Duration(data)
	default:
		return Info{}, ErrUnknownFormat
	}
	if err != nil {
		if errors.Is(err, ErrNotOpus) || errors.Is(err, ErrUnreadable) {
			return Info{Format: f}, err
		}
		return Info{Format: f}, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	if d <= 0 {
		return Info{Format: f}, fmt.Errorf("%w: no sound in it", ErrUnreadable)
	}
	return Info{Format: f, Duration: d}, nil
}

// isMP3 reports whether data starts as an MP3 file does: an ID3v2 tag or
// an MPEG audio frame's sync word.
func isMP3(data []byte) bool {
	if bytes.HasPrefix(data, []byte("ID3")) {
		return true
	}
	return len(data) >= 2 && data[0] == 0xFF && data[1]&0xE0 == 0xE0
}
