package storagetest

import (
	"encoding/binary"
	"time"
)

// M4A is the smallest file audio.Probe reads as an M4A that plays for d:
// a file type box and a movie header (no sound), to test the limits on a
// recording's length without a recording that long.
func M4A(d time.Duration) []byte {
	box := func(typ string, payload []byte) []byte {
		b := make([]byte, 8, 8+len(payload))
		binary.BigEndian.PutUint32(b, uint32(8+len(payload)))
		copy(b[4:], typ)
		return append(b, payload...)
	}
	mvhd := make([]byte, 100)
	binary.BigEndian.PutUint32(mvhd[12:], 1000) // time scale: milliseconds
	binary.BigEndian.PutUint32(mvhd[16:], uint32(d/time.Millisecond))
	return append(box("ftyp", []byte("M4A \x00\x00\x02\x00M4A isommp42")), box("moov", box("mvhd", mvhd))...)
}
