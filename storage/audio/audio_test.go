package audio_test

import (
	"encoding/binary"
	"errors"
	"os"
	"testing"
	"time"

	"sotay/storage/audio"
)

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The fixtures are "Xin chào đồng chí." spoken by espeak-ng (1.306 s at
// 22,050 Hz), encoded by opusenc, lame and ffmpeg; the lengths are what
// ffprobe reads of them (an MP3 is padded to whole frames).
func TestProbe(t *testing.T) {
	for _, tc := range []struct {
		file   string
		format audio.Format
		want   time.Duration
	}{
		{"short.ogg", audio.OggOpus, 1306 * time.Millisecond},
		{"short.mp3", audio.MP3, 1384 * time.Millisecond},
		{"short.m4a", audio.M4A, 1307 * time.Millisecond},
	} {
		t.Run(tc.file, func(t *testing.T) {
			info, err := audio.Probe(mustRead(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if info.Format != tc.format {
				t.Errorf("format %s, want %s", info.Format, tc.format)
			}
			if d := info.Duration - tc.want; d < -5*time.Millisecond || d > 5*time.Millisecond {
				t.Errorf("duration %s, want %s", info.Duration, tc.want)
			}
		})
	}
}

func TestProbeRefuses(t *testing.T) {
	ogg := mustRead(t, "short.ogg")
	damaged := append([]byte(nil), ogg...)
	damaged[len(damaged)-10] ^= 0xFF // the last page's checksum no longer matches
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"Vorbis", mustRead(t, "short-vorbis.ogg"), audio.ErrNotOpus},
		{"PDF", []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj"), audio.ErrUnknownFormat},
		{"Empty", nil, audio.ErrUnknownFormat},
		{"OggCutShort", ogg[:len(ogg)/2], audio.ErrUnreadable},
		{"OggDamaged", damaged, audio.ErrUnreadable},
		{"OggHeadOnly", ogg[:60], audio.ErrUnreadable},
		{"M4ACutShort", mustRead(t, "short.m4a")[:200], audio.ErrUnreadable},
		{"MP3SyncOnly", []byte{0xFF, 0xFB, 0x90, 0x00}, audio.ErrUnreadable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := audio.Probe(tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
}

// box is an MP4 box of this type around payload, with a 64-bit size when
// large is set.
func box(typ string, payload []byte, large bool) []byte {
	if large {
		b := make([]byte, 16, 16+len(payload))
		binary.BigEndian.PutUint32(b, 1)
		copy(b[4:], typ)
		binary.BigEndian.PutUint64(b[8:], uint64(16+len(payload)))
		return append(b, payload...)
	}
	b := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint32(b, uint32(8+len(payload)))
	copy(b[4:], typ)
	return append(b, payload...)
}

// An M4A whose movie header is of version 1 (64-bit times), inside a box
// with a 64-bit size, after a box it must skip.
func TestProbeM4AVersion1(t *testing.T) {
	mvhd := make([]byte, 32)
	mvhd[0] = 1
	binary.BigEndian.PutUint32(mvhd[20:], 1000)          // time scale
	binary.BigEndian.PutUint64(mvhd[24:], 2*60*1000+500) // 2 min 0.5 s
	file := box("ftyp", []byte("M4A \x00\x00\x00\x00M4A isom"), false)
	file = append(file, box("free", make([]byte, 40), false)...)
	file = append(file, box("moov", append(box("udta", nil, false), box("mvhd", mvhd, false)...), true)...)
	info, err := audio.Probe(file)
	if err != nil {
		t.Fatal(err)
	}
	if info.Format != audio.M4A || info.Duration != 2*time.Minute+500*time.Millisecond {
		t.Fatalf("got %+v", info)
	}
}

func FuzzProbe(f *testing.F) {
	for _, name := range []string{"short.ogg", "short.mp3", "short.m4a", "short-vorbis.ogg"} {
		b := mustRead(f, name)
		f.Add(b[:min(len(b), 600)])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := audio.Probe(data)
		if err == nil && info.Duration <= 0 {
			t.Fatalf("no error and no length: %+v", info)
		}
	})
}
