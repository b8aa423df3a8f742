package patronus_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	patronus "github.com/patronus-sdwan/patronus-go"
)

// faultProxy forwards to the real API; each fault applies to the next request with its
// method: an HTTP status answered instead (with Retry-After: 0), or "lose" (forward, then
// drop the connection without an answer).
type faultProxy struct {
	upstream string
	mu       sync.Mutex
	faults   [][2]string
	keys     []string
	calls    int
}

func (p *faultProxy) take(method string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	for i, f := range p.faults {
		if f[0] == method {
			p.faults = append(p.faults[:i], p.faults[i+1:]...)
			return f[1]
		}
	}
	return ""
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fault := p.take(r.Method)
	if r.Method == http.MethodPost {
		p.mu.Lock()
		p.keys = append(p.keys, r.Header.Get("Idempotency-Key"))
		p.mu.Unlock()
	}
	if fault != "" && fault != "lose" {
		w.Header().Set("Retry-After", "0")
		w.Header().Set("Content-Type", "application/problem+json")
		var status int
		fmt.Sscan(fault, &status)
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"status":%d,"code":"INJECTED","title":"injected"}`, status)
		return
	}
	body, _ := io.ReadAll(r.Body)
	req, _ := http.NewRequestWithContext(r.Context(), r.Method, p.upstream+r.URL.RequestURI(), bytes.NewReader(body))
	req.Header = r.Header.Clone()
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(res.Body)
	if fault == "lose" {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	for k, v := range res.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(res.StatusCode)
	_, _ = w.Write(answer)
}

func withProxy(t *testing.T, l live, faults ...[2]string) (*faultProxy, string) {
	p := &faultProxy{upstream: l.url, faults: faults}
	s := httptest.NewServer(p)
	t.Cleanup(s.Close)
	return p, s.URL
}

func TestALostCreateIsRetriedWithTheSameKeyAndCreatesOnce(t *testing.T) {
	l := liveEnv(t)
	p, url := withProxy(t, l, [2]string{"POST", "lose"})
	c := patronus.NewClient(url, l.key)
	ctx := context.Background()
	name := "go-lost-" + token()
	var res patronus.Response
	created, err := c.SiteCreate(ctx, l.org, &patronus.SiteCreateRequest{Name: name}, nil, patronus.WithResponse(&res))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.client().SiteDelete(ctx, l.org, created.ID, nil) }()
	if len(p.keys) != 2 || p.keys[0] == "" || p.keys[0] != p.keys[1] {
		t.Fatalf("Idempotency-Keys sent: %q", p.keys)
	}
	if res.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatal("the retry was not answered from the first call")
	}
	if n := countNamed(t, l.client(), l.org, name); n != 1 {
		t.Fatalf("%d sites named %s", n, name)
	}
}

func Test429And503AreRetried(t *testing.T) {
	l := liveEnv(t)
	p, url := withProxy(t, l, [2]string{"GET", "429"}, [2]string{"GET", "503"})
	page, err := patronus.NewClient(url, l.key).SiteList(context.Background(), l.org, &patronus.SiteListParams{Limit: patronus.Ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || p.calls != 3 {
		t.Fatalf("%d items after %d calls", len(page.Items), p.calls)
	}
}

func TestWithoutRetriesTheErrorIsTyped(t *testing.T) {
	l := liveEnv(t)
	_, url := withProxy(t, l, [2]string{"GET", "429"}, [2]string{"GET", "503"})
	c := patronus.NewClient(url, l.key, patronus.WithRetries(0))
	_, err := c.SiteList(context.Background(), l.org, nil)
	if !patronus.IsRateLimited(err) {
		t.Fatalf("want 429, got %v", err)
	}
	if _, err = c.SiteList(context.Background(), l.org, nil); patronus.StatusOf(err) != 503 {
		t.Fatalf("want 503, got %v", err)
	}
}
