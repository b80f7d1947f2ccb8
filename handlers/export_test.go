package handlers

// AddForTest puts hd in front of the handler list.
func AddForTest(h *Handlers, hd Handler) { h.router.List = append([]Handler{hd}, h.router.List...) }

// Sanitize is sanitize, for tests.
var Sanitize = sanitize

// CallbackData is callbackData, for tests.
func CallbackData(p string, args ...any) string { return callbackData(Prefix(p), args...) }
