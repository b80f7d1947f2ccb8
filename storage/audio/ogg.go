package audio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/pion/webrtc/v4/pkg/media/oggreader"
)

// opusRate is the rate Opus granule positions count at, whatever the rate
// the sound was recorded at (RFC 7845, section 4).
const opusRate = 48000

// noGranule marks a page on which no packet ends.
const noGranule = ^uint64(0)

// oggOpusDuration is the length of an OGG/Opus file: the last page's
// granule position, less the pre-skip its OpusHead declares, at 48 kHz.
// Every page's checksum is checked.
func oggOpusDuration(data []byte) (time.Duration, error) {
	r, head, err := oggreader.NewWith(bytes.NewReader(data))
	if err != nil {
		if !bytes.Contains(data[:min(len(data), 512)], []byte("OpusHead")) {
			return 0, ErrNotOpus
		}
		return 0, err
	}
	var last uint64
	for {
		_, page, err := r.ParseNextPage()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
		if page.GranulePosition != noGranule {
			last = page.GranulePosition
		}
	}
	skip := uint64(head.PreSkip)
	if last <= skip {
		return 0, fmt.Errorf("%w: no audio page", ErrUnreadable)
	}
	samples := last - skip
	if samples > uint64(time.Duration(1<<62)/time.Second)*opusRate/2 {
		return 0, fmt.Errorf("%w: granule position %d", ErrUnreadable, last)
	}
	return time.Duration(samples) * time.Second / opusRate, nil
}
