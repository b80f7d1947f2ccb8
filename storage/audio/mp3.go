package audio

import (
	"bytes"
	"fmt"
	"time"

	"github.com/hajimehoshi/go-mp3"
)

// mp3Duration is the length of an MP3 file, counted frame by frame (so a
// variable bit rate is counted right): go-mp3 gives the length of the
// decoded sound, 16-bit stereo, 4 bytes a sample. go-mp3 decodes the first
// frame to learn the sample rate, and a damaged frame can make it panic:
// that is a file whose length cannot be read.
func mp3Duration(data []byte) (d time.Duration, err error) {
	defer func() {
		if v := recover(); v != nil {
			d, err = 0, fmt.Errorf("%w: %v", ErrUnreadable, v)
		}
	}()
	dec, err := mp3.NewDecoder(bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	rate := dec.SampleRate()
	if rate <= 0 || dec.Length() <= 0 {
		return 0, ErrUnreadable
	}
	return time.Duration(dec.Length()/4) * time.Second / time.Duration(rate), nil
}
