// Package patronus is a client of the Patronus REST API (stdlib only).
//
// The methods, one per API operation, are generated into operations_gen.go and the types
// into models_gen.go from the API's OpenAPI document; this file is the HTTP side they all
// go through: authentication, JSON, problem+json errors, retries and Idempotency-Key.
package patronus

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	mrand "math/rand"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client calls the API with one org API key. It is safe for concurrent use.
type Client struct {
	baseURL      string
	apiKey       string
	httpClient   *http.Client
	retries      int
	maxRetryWait time.Duration
	userAgent    string
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the http.Client (timeouts, proxies, transport).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.httpClient = h } }

// WithRetries sets how many times a call is retried after a 429, a 503 or a failed
// connection (3 by default; 0 turns retries off).
func WithRetries(n int) Option { return func(c *Client) { c.retries = n } }

// WithMaxRetryWait caps the wait before a retry, whatever Retry-After asks (60 s by default).
func WithMaxRetryWait(d time.Duration) Option { return func(c *Client) { c.maxRetryWait = d } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// NewClient returns a client of the server at baseURL ("https://patronus.example"; the
// API's base path /api/v1 is added unless baseURL ends with it) with an org API key
// (pat_…). The key is sent as a Bearer token and never appears in errors.
func NewClient(baseURL, apiKey string, opts ...Option) *Client {
	root := strings.TrimRight(baseURL, "/")
	if !strings.HasSuffix(root, BasePath) {
		root += BasePath
	}
	c := &Client{
		baseURL:      root,
		apiKey:       apiKey,
		httpClient:   &http.Client{Timeout: 30 * time.Second},
		retries:      3,
		maxRetryWait: 60 * time.Second,
		userAgent:    "patronus-go",
	}
	for _, opt := range opts {
		opt(c)
	}
	return c
}

// Response is what an answer said besides its body.
type Response struct {
	StatusCode int
	Header     http.Header
}

// ETag is the answer's ETag: pass it as IfMatch to a change of the same object.
func (r *Response) ETag() string { return r.Header.Get("ETag") }

// RequestID is the id the server gave the call (quote it when asking for help).
func (r *Response) RequestID() string { return r.Header.Get("X-Request-Id") }

// CallOption adjusts one call.
type CallOption func(*callConfig)

type callConfig struct {
	response *Response
	header   http.Header
}

// WithResponse fills r with the answer's status and headers (the ETag, for one).
func WithResponse(r *Response) CallOption { return func(c *callConfig) { c.response = r } }

// WithHeader adds a header to the call.
func WithHeader(name, value string) CallOption {
	return func(c *callConfig) { c.header.Add(name, value) }
}

// Ptr returns a pointer to v, for optional fields and parameters.
func Ptr[T any](v T) *T { return &v }

type request struct {
	method string
	path   string
	query  url.Values
	header http.Header
	body   any
	out    any
	// idempotent: a create that takes an Idempotency-Key (one is made when none is given,
	// and the same one is sent on every attempt).
	idempotent bool
}

func (c *Client) do(ctx context.Context, r request, opts []CallOption) error {
	cfg := callConfig{header: http.Header{}}
	for _, opt := range opts {
		opt(&cfg)
	}
	target := c.baseURL + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	var payload []byte
	if r.body != nil {
		var err error
		if payload, err = json.Marshal(r.body); err != nil {
			return fmt.Errorf("patronus: encoding the %s %s body: %w", r.method, r.path, err)
		}
	}
	header := r.header.Clone()
	for k, v := range cfg.header {
		header[k] = v
	}
	if r.idempotent && header.Get("Idempotency-Key") == "" {
		header.Set("Idempotency-Key", newKey())
	}
	retrySafe := r.method != http.MethodPost && r.method != http.MethodPatch ||
		header.Get("Idempotency-Key") != "" || header.Get("If-Match") != ""
	for attempt := 0; ; attempt++ {
		res, err := c.send(ctx, r.method, target, header, payload)
		if err != nil {
			if ctx.Err() != nil || !retrySafe || attempt >= c.retries {
				return &TransportError{Method: r.method, Path: r.path, Err: err}
			}
			if err := c.wait(ctx, attempt, -1); err != nil {
				return err
			}
			continue
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return &TransportError{Method: r.method, Path: r.path, Err: err}
		}
		retryAfter := parseRetryAfter(res.Header.Get("Retry-After"))
		if (res.StatusCode == 429 || res.StatusCode == 503) && attempt < c.retries {
			if err := c.wait(ctx, attempt, retryAfter); err != nil {
				return err
			}
			continue
		}
		if cfg.response != nil {
			*cfg.response = Response{StatusCode: res.StatusCode, Header: res.Header}
		}
		if res.StatusCode >= 400 {
			return newAPIError(res.StatusCode, body, retryAfter)
		}
		if r.out == nil || res.StatusCode == http.StatusNoContent || len(body) == 0 {
			return nil
		}
		if err := json.Unmarshal(body, r.out); err != nil {
			return fmt.Errorf("patronus: decoding the %s %s answer: %w", r.method, r.path, err)
		}
		return nil
	}
}

func (c *Client) send(ctx context.Context, method, target string, header http.Header, payload []byte) (*http.Response, error) {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, err
	}
	req.Header = header.Clone()
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.httpClient.Do(req)
	if err != nil {
		// url.Error repeats the URL; the path is named by TransportError already.
		var ue *url.Error
		if errors.As(err, &ue) {
			return nil, ue.Err
		}
		return nil, err
	}
	return res, nil
}

// wait sleeps before retry number attempt+1: Retry-After when the server gave one (>= 0),
// else an exponential backoff with jitter.
func (c *Client) wait(ctx context.Context, attempt int, retryAfter time.Duration) error {
	d := retryAfter
	if d < 0 {
		base := 250 * time.Millisecond * time.Duration(math.Pow(2, float64(attempt)))
		d = base + time.Duration(mrand.Int63n(int64(base)))
		if d > 8*time.Second {
			d = 8 * time.Second
		}
	}
	if d > c.maxRetryWait {
		d = c.maxRetryWait
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// parseRetryAfter reads Retry-After (seconds or an HTTP date); -1 when absent or unreadable.
func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return -1
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
		return 0
	}
	return -1
}

func newKey() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	return hex.EncodeToString(b)
}

// param is a parameter's text in a path or query.
func param(v any) string {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case string:
		return x
	default:
		return fmt.Sprint(v)
	}
}
