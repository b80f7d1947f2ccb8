package storage

import (
	"errors"
	"fmt"
)

// Code classifies an error so that one place can turn it into a reply.
type Code string

const (
	CodeInvalid   Code = "invalid"
	CodeNotFound  Code = "not_found"
	CodeForbidden Code = "forbidden"
	CodeConflict  Code = "conflict"
	CodeInternal  Code = "internal"
)

// Error is an expected failure whose Message is shown to the user as is
// (Vietnamese). Anything that is not an *Error is internal. An input that
// breaks a field's rule (fields.go) is CodeInvalid with the Field named and
// a Message that says why and gives an example of a right value; Example,
// when set, is a whole input written right (a quick form's model), which
// the reply shows under the message.
type Error struct {
	Code    Code
	Field   Field
	Message string
	Example string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Is lets errors.Is(err, ErrNotFound) match any *Error with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Code == e.Code
}

var (
	ErrNotFound  = &Error{Code: CodeNotFound}
	ErrConflict  = &Error{Code: CodeConflict}
	ErrForbidden = &Error{Code: CodeForbidden}
	ErrInvalid   = &Error{Code: CodeInvalid}
)

// Errorf builds an expected error with a user-facing message.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf builds the error of a field that breaks its rule: which
// field, and a message that says why, with an example.
func FieldErrorf(f Field, format string, args ...any) error {
	return &Error{Code: CodeInvalid, Field: f, Message: fmt.Sprintf(format, args...)}
}

// WithExample adds to an invalid-input error the whole input written right
// (example), for the reply to show under its message; any other error is
// returned as it is.
func WithExample(err error, example string) error {
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalid || e.Message == "" {
		return err
	}
	c := *e
	c.Example = example
	return &c
}

// ErrorField returns the field an invalid-input error names, "" when none.
func ErrorField(err error) Field {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorExample returns the whole input written right that an error
// carries (WithExample), "" when none.
func ErrorExample(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Example
	}
	return ""
}

// ErrorCode returns the code of err, CodeInternal when it is not an *Error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the user-facing message of an expected error, or "".
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}
