package postgres

import "github.com/rounds-social/rounds/storage"

func init() { setIDNode = storage.SetIDNode }
