package patronus

import "context"

// Pager walks a list operation page by page, following next:
//
//	p := client.SiteListPager("acme", nil)
//	for p.Next(ctx) {
//		site := p.Item()
//	}
//	if err := p.Err(); err != nil { ... }
type Pager[T any] struct {
	fetch  func(ctx context.Context, cursor *string) ([]T, *string, error)
	items  []T
	at     int
	cursor *string
	done   bool
	err    error
}

// NewPager makes a Pager from a function that fetches the page at cursor (nil: the first)
// and answers its items and the next cursor (nil: the last page).
func NewPager[T any](fetch func(ctx context.Context, cursor *string) ([]T, *string, error)) *Pager[T] {
	return &Pager[T]{fetch: fetch, at: -1}
}

// Next moves to the next item, fetching a page when needed; false at the end or on error.
func (p *Pager[T]) Next(ctx context.Context) bool {
	for p.at+1 >= len(p.items) {
		if p.done || p.err != nil {
			return false
		}
		items, next, err := p.fetch(ctx, p.cursor)
		if err != nil {
			p.err = err
			return false
		}
		p.items, p.at, p.cursor = items, -1, next
		p.done = next == nil || *next == ""
	}
	p.at++
	return true
}

// Item is the current item.
func (p *Pager[T]) Item() T { return p.items[p.at] }

// Err is the error that stopped the walk, if any.
func (p *Pager[T]) Err() error { return p.err }

// All collects every remaining item.
func (p *Pager[T]) All(ctx context.Context) ([]T, error) {
	var all []T
	for p.Next(ctx) {
		all = append(all, p.Item())
	}
	return all, p.Err()
}
