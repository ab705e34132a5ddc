package storage

// MediaStore holds uploaded media attachments.
type MediaStore interface{}
