module github.com/patronus-sdwan/patronus-go

go 1.19
