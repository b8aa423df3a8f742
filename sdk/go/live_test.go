package patronus_test

// The SDK against a running API (PATRONUS_URL, PATRONUS_API_KEY, PATRONUS_ORG; skipped when
// unset): pages, a site's life, typed errors, idempotent creates, and retries through a
// fault-injecting loopback proxy in front of the real API.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	patronus "github.com/patronus-sdwan/patronus-go"
)

type live struct {
	url, key, org string
}

func liveEnv(t *testing.T) live {
	t.Helper()
	l := live{os.Getenv("PATRONUS_URL"), os.Getenv("PATRONUS_API_KEY"), os.Getenv("PATRONUS_ORG")}
	if l.url == "" || l.key == "" || l.org == "" {
		t.Skip("set PATRONUS_URL, PATRONUS_API_KEY and PATRONUS_ORG")
	}
	return l
}

func (l live) client(opts ...patronus.Option) *patronus.Client {
	return patronus.NewClient(l.url, l.key, opts...)
}

func token() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func TestPagesFollowNext(t *testing.T) {
	l := liveEnv(t)
	c, ctx := l.client(), context.Background()
	var names []string
	pages := 0
	params := &patronus.SiteListParams{Limit: patronus.Ptr(25)}
	for {
		page, err := c.SiteList(ctx, l.org, params)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(page.Items) > 25 {
			t.Fatalf("a page of %d items with limit 25", len(page.Items))
		}
		for _, s := range page.Items {
			names = append(names, s.Name)
		}
		if page.Next == nil {
			break
		}
		params.Cursor = page.Next
	}
	if pages < 5 {
		t.Fatalf("%d pages for %d sites", pages, len(names))
	}
	seen := map[string]bool{}
	var ours []string
	for _, n := range names {
		if seen[n] {
			t.Fatalf("%s listed twice", n)
		}
		seen[n] = true
		if strings.HasPrefix(n, "site-") {
			ours = append(ours, n)
		}
	}
	for i := 0; i < 120; i++ {
		if want := fmt.Sprintf("site-%05d", i); i >= len(ours) || ours[i] != want {
			t.Fatalf("site %d: want %s in order, got %v", i, want, ours)
		}
	}

	all, err := c.SiteListPager(l.org, &patronus.SiteListParams{Limit: patronus.Ptr(7)}).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(names) {
		t.Fatalf("the pager saw %d sites, the pages %d", len(all), len(names))
	}
	if all[0].CreatedAt.IsZero() {
		t.Fatal("createdAt was not decoded")
	}
}

func TestSiteLife(t *testing.T) {
	l := liveEnv(t)
	c, ctx := l.client(), context.Background()
	name := "go-" + token()
	var res patronus.Response
	created, err := c.SiteCreate(ctx, l.org, &patronus.SiteCreateRequest{Name: name, Description: patronus.Ptr("from Go")}, nil, patronus.WithResponse(&res))
	if err != nil {
		t.Fatal(err)
	}
	if created.Name != name || res.StatusCode != 201 {
		t.Fatalf("created %+v with status %d", created, res.StatusCode)
	}
	got, err := c.SiteGet(ctx, l.org, created.ID, patronus.WithResponse(&res))
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != name || got.Description != "from Go" || got.CreatedAt.IsZero() || res.ETag() == "" {
		t.Fatalf("got %+v, etag %q", got, res.ETag())
	}
	renamed, err := c.SiteUpdate(ctx, l.org, created.ID, &patronus.SiteUpdateRequest{Name: patronus.Ptr(name + "-b")}, &patronus.SiteUpdateParams{IfMatch: patronus.Ptr(res.ETag())})
	if err != nil {
		t.Fatal(err)
	}
	if renamed.Name != name+"-b" {
		t.Fatalf("renamed to %q", renamed.Name)
	}
	if got, err = c.SiteGet(ctx, l.org, created.ID); err != nil || got.Name != name+"-b" {
		t.Fatalf("after the update: %+v, %v", got, err)
	}
	_, err = c.SiteUpdate(ctx, l.org, created.ID, &patronus.SiteUpdateRequest{Name: patronus.Ptr(name + "-c")}, &patronus.SiteUpdateParams{IfMatch: patronus.Ptr(res.ETag())})
	if !patronus.IsPreconditionFailed(err) {
		t.Fatalf("a change with a stale ETag: %v", err)
	}
	if err := c.SiteDelete(ctx, l.org, created.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SiteGet(ctx, l.org, created.ID); !patronus.IsNotFound(err) {
		t.Fatalf("after the delete: %v", err)
	}
}

func TestErrorsAreTyped(t *testing.T) {
	l := liveEnv(t)
	c, ctx := l.client(), context.Background()

	_, err := c.SiteGet(ctx, l.org, "site_does_not_exist")
	var apiErr *patronus.APIError
	if !errors.As(err, &apiErr) || !patronus.IsNotFound(err) || apiErr.Code != "NOT_FOUND" || apiErr.RequestID == "" {
		t.Fatalf("another id: %#v", err)
	}

	_, err = c.SiteCreate(ctx, l.org, &patronus.SiteCreateRequest{Name: ""}, nil)
	if !patronus.IsValidation(err) || !errors.As(err, &apiErr) || apiErr.Detail == "" {
		t.Fatalf("an empty name: %v", err)
	}
	named := false
	for _, f := range apiErr.Errors {
		named = named || f.Path == "name"
	}
	if !named {
		t.Fatalf("the errors do not name the field: %+v", apiErr.Errors)
	}

	bad := "pat_not_a_real_key_" + token()
	_, err = patronus.NewClient(l.url, bad).SiteList(ctx, l.org, nil)
	if !patronus.IsUnauthorized(err) || strings.Contains(err.Error(), bad) {
		t.Fatalf("a bad key: %v", err)
	}
}

func TestIdempotentCreate(t *testing.T) {
	l := liveEnv(t)
	c, ctx := l.client(), context.Background()
	key := "go-" + token() + token()
	name := "go-idem-" + token()
	params := &patronus.SiteCreateParams{IdempotencyKey: &key}
	first, err := c.SiteCreate(ctx, l.org, &patronus.SiteCreateRequest{Name: name}, params)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.SiteDelete(ctx, l.org, first.ID, nil) }()
	var res patronus.Response
	again, err := c.SiteCreate(ctx, l.org, &patronus.SiteCreateRequest{Name: name}, params, patronus.WithResponse(&res))
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID || res.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("first %s, again %s (replayed %q)", first.ID, again.ID, res.Header.Get("Idempotent-Replayed"))
	}
	if n := countNamed(t, c, l.org, name); n != 1 {
		t.Fatalf("%d sites named %s", n, name)
	}
	_, err = c.SiteCreate(ctx, l.org, &patronus.SiteCreateRequest{Name: name + "-other"}, params)
	if !patronus.IsConflict(err) {
		t.Fatalf("the same key for another body: %v", err)
	}
}

func countNamed(t *testing.T, c *patronus.Client, org, name string) int {
	t.Helper()
	all, err := c.SiteListPager(org, &patronus.SiteListParams{Q: &name}).All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range all {
		if s.Name == name {
			n++
		}
	}
	return n
}
