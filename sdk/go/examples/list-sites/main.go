// Lists an org's sites, every page: PATRONUS_URL=https://… PATRONUS_API_KEY=pat_… go run
// ./examples/list-sites <org>
package main

import (
	"context"
	"fmt"
	"os"

	patronus "github.com/patronus-sdwan/patronus-go"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: list-sites <org slug> (with PATRONUS_URL and PATRONUS_API_KEY set)")
		os.Exit(2)
	}
	client := patronus.NewClient(os.Getenv("PATRONUS_URL"), os.Getenv("PATRONUS_API_KEY"))
	pager := client.SiteListPager(os.Args[1], &patronus.SiteListParams{Limit: patronus.Ptr(100)})
	ctx := context.Background()
	for pager.Next(ctx) {
		site := pager.Item()
		fmt.Printf("%s\t%s\t%v devices\n", site.ID, site.Name, site.Devices)
	}
	if err := pager.Err(); err != nil {
		if patronus.IsUnauthorized(err) {
			fmt.Fprintln(os.Stderr, "the API key was refused")
		} else {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(1)
	}
}
