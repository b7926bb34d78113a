module github.com/mnemohq/mnemo/bench/chromem

go 1.26

require (
	github.com/mnemohq/mnemo v0.0.0-00010101000000-000000000000
	github.com/philippgille/chromem-go v0.7.0
)

require (
	github.com/clipperhouse/uax29/v2 v2.7.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/kljensen/snowball v0.10.0 // indirect
	github.com/oklog/ulid/v2 v2.1.2 // indirect
	go.etcd.io/bbolt v1.5.0 // indirect
	golang.org/x/sys v0.45.0 // indirect
)

replace github.com/mnemohq/mnemo => ../..
