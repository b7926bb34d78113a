// Package files reads the files an agent hands mnemo (mnemo.File): it detects a file's format
// from its first bytes and cuts it into chunks, in order, for the extractor.
//
// # Formats
//
// Detect looks at the first SniffSize bytes and the file's name:
//
//   - PDF: %PDF- at the start, whatever the name. Its text layer is read page by page with
//     github.com/ledongthuc/pdf; each chunk holds text of one page, its Page. A PDF without text
//     (scanned images) yields no chunk and no error. An encrypted PDF that needs a password, or one
//     the library cannot read, is an InvalidInput error.
//   - Chat: JSON shaped like a chat export: an array of messages ({"role", "content", "name", "id",
//     "created_at" | "timestamp" | "create_time"}), an object {"messages": [...]} (OpenAI's shape;
//     content a string or an array of parts {"type": "text", "text": ...}), an array of such
//     conversations, or ChatGPT's data export conversations.json (conversations with a "mapping" of
//     nodes, read along the parent chain from "current_node" back to the root, or by create_time
//     without one). Times are RFC 3339 strings or Unix seconds (integer or decimal, kept to the
//     microsecond; numbers from 1e11 on are milliseconds).
//   - ChatJSONL: one JSON object per line, each a message (all lines one conversation) or a
//     conversation of its own ({"messages": [...]}, as in OpenAI fine-tuning files).
//   - HTML: a document starting with <!doctype html, <html, <head or <body (or any '<' in a file
//     named .html/.htm). Only visible text is kept: script, style, noscript, template, svg, math,
//     iframe, object, canvas, textarea and select are dropped, and the head but for its <title>.
//   - Markdown: text named .md/.markdown/.mdx, or text with ATX or setext headings, code fences,
//     links or front matter (unless named .txt).
//   - Text: any other UTF-8 text. A UTF-8 BOM is skipped; UTF-16 with a BOM is decoded; UTF-16
//     without one, UTF-32, invalid UTF-8 and binary formats (images, archives, Office documents,
//     executables) are refused with an error wrapping errs.InvalidInput that names what the file
//     looks like. So is JSON that is not a chat export.
//
// # Chunks
//
// Text, Markdown, HTML and PDF are cut along their structure: paragraphs (blank-line separated in
// text, block elements in HTML, wide vertical gaps in a PDF page) accumulate into a chunk up to
// ChunkSize bytes; a paragraph up to MaxChunk stays whole, a longer one is cut at a sentence end,
// then a line break or a space, never inside a rune. In Markdown and HTML a heading starts a new
// chunk and becomes the Heading of the chunks under it (the heading's text is not repeated in
// Text); Markdown code fences stay whole up to MaxChunk, front matter is dropped, links become
// their text and ** markers go. Every chunk's Text is valid UTF-8, trimmed, non-empty, at most
// MaxChunk bytes, without C0 controls but \n and \t.
//
// Chat and ChatJSONL yield windows of at most MaxChatWindow consecutive messages (fewer once they
// hold MaxChatWindowBytes of content) of one conversation, with Conversation set to its ID or
// title. Messages keep their role as given, their "id" (or "" without one), and their time; those
// with no text are skipped.
//
// Chunks come in file order, with Index 0, 1, 2 ...; the same bytes give the same chunks.
//
// # Streaming
//
// Split reads through an io.ReaderAt and holds a few chunks at a time, whatever the file's size: a
// 20 MB Markdown or HTML file is split with under a few MB of live heap (see TestSplitStreams). What
// it may hold beyond that is bounded by the input's own units: one HTML token or JSONL line (at
// most MaxLine bytes), one conversation of a JSON export (a message at a time for a top-level
// array of messages or a top-level "messages" array), and for a PDF the cross-reference table plus
// one page's glyphs as the PDF library decodes them.
//
// # Caveats
//
// The PDF library reads compressed streams whole when it lays a page out: a page whose content
// stream inflates to gigabytes (a decompression bomb) is held whole. Page-tree cycles and depth are
// bounded here, and the library's panics are recovered into InvalidInput errors, but a hand-made
// PDF with a cycle of object streams could still make the library recurse without end. Split
// recovers panics only from the parsers; a panic in fn is re-raised.
package files
