package audio

import (
	"encoding/binary"
	"fmt"
	"time"
)

// m4aDuration is the length an M4A (MP4) file's movie header (moov/mvhd)
// declares: its duration over its time scale.
func m4aDuration(data []byte) (time.Duration, error) {
	moov, ok := findBox(data, "moov")
	if !ok {
		return 0, fmt.Errorf("%w: no moov box", ErrUnreadable)
	}
	mvhd, ok := findBox(moov, "mvhd")
	if !ok || len(mvhd) < 4 {
		return 0, fmt.Errorf("%w: no mvhd box", ErrUnreadable)
	}
	var scale uint32
	var dur uint64
	switch version := mvhd[0]; {
	case version == 0 && len(mvhd) >= 20:
		// version, flags (4), creation (4), modification (4), time scale, duration.
		scale, dur = binary.BigEndian.Uint32(mvhd[12:]), uint64(binary.BigEndian.Uint32(mvhd[16:]))
	case version == 1 && len(mvhd) >= 32:
		// creation and modification take 8 bytes each, and so does duration.
		scale, dur = binary.BigEndian.Uint32(mvhd[20:]), binary.BigEndian.Uint64(mvhd[24:])
	default:
		return 0, fmt.Errorf("%w: mvhd version %d of %d bytes", ErrUnreadable, version, len(mvhd))
	}
	if scale == 0 || dur == ^uint64(0) || dur == uint64(^uint32(0)) || dur/uint64(scale) > 1<<30 {
		return 0, fmt.Errorf("%w: duration %d at %d a second", ErrUnreadable, dur, scale)
	}
	return time.Duration(dur) * time.Second / time.Duration(scale), nil
}

// findBox returns the payload of the first box of this type among the
// boxes that make up data (one level, not inside other boxes).
func findBox(data []byte, typ string) ([]byte, bool) {
	for len(data) >= 8 {
		size := uint64(binary.BigEndian.Uint32(data))
		head := uint64(8)
		switch size {
		case 0: // the box runs to the end
			size = uint64(len(data))
		case 1: // a 64-bit size follows the type
			if len(data) < 16 {
				return nil, false
			}
			size, head = binary.BigEndian.Uint64(data[8:]), 16
		}
		if size < head || size > uint64(len(data)) {
			return nil, false
		}
		if string(data[4:8]) == typ {
			return data[head:size], true
		}
		data = data[size:]
	}
	return nil, false
}
