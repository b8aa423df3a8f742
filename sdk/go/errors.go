package patronus

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// FieldError names one field at fault in a 400.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// APIError is an answer with status 400 or more, from its problem+json body.
type APIError struct {
	Status    int          `json:"status"`
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Code      string       `json:"code"`
	Detail    string       `json:"detail"`
	RequestID string       `json:"requestId"`
	Errors    []FieldError `json:"errors"`
	// RetryAfter is the server's Retry-After (429, 503), or -1.
	RetryAfter time.Duration `json:"-"`
	// Body is the answer as it came.
	Body []byte `json:"-"`
}

func (e *APIError) Error() string {
	text := fmt.Sprintf("patronus: %d", e.Status)
	if e.Code != "" {
		text += " " + e.Code
	}
	if e.Detail != "" {
		text += ": " + e.Detail
	}
	if e.RequestID != "" {
		text += " (request " + e.RequestID + ")"
	}
	return text
}

func newAPIError(status int, body []byte, retryAfter time.Duration) *APIError {
	e := &APIError{}
	if json.Unmarshal(body, e) != nil || e.Status == 0 {
		*e = APIError{Detail: truncate(string(body), 500)}
	}
	e.Status = status
	e.RetryAfter = retryAfter
	e.Body = body
	return e
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// TransportError is a call that got no answer (the connection failed on every attempt).
type TransportError struct {
	Method, Path string
	Err          error
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("patronus: %s %s: %v", e.Method, e.Path, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// StatusOf is the API status of err (0 when err is not an *APIError).
func StatusOf(err error) int {
	var e *APIError
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// IsValidation reports a 400 (the request is not valid; APIError.Errors names the fields).
func IsValidation(err error) bool { return StatusOf(err) == 400 }

// IsUnauthorized reports a 401 (no valid API key).
func IsUnauthorized(err error) bool { return StatusOf(err) == 401 }

// IsForbidden reports a 403 (the key's scopes do not allow this).
func IsForbidden(err error) bool { return StatusOf(err) == 403 }

// IsNotFound reports a 404 (no such object in an org the key can see).
func IsNotFound(err error) bool { return StatusOf(err) == 404 }

// IsConflict reports a 409 (a conflict, or an Idempotency-Key used for another request).
func IsConflict(err error) bool { return StatusOf(err) == 409 }

// IsPreconditionFailed reports a 412 (If-Match did not match the current ETag).
func IsPreconditionFailed(err error) bool { return StatusOf(err) == 412 }

// IsRateLimited reports a 429 (wait APIError.RetryAfter).
func IsRateLimited(err error) bool { return StatusOf(err) == 429 }
