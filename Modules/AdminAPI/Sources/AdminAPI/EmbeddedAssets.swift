/// Files the worker serves as they are, embedded by `Tools/embed-assets` from
/// `Modules/AdminAPI/`: the OpenAPI document and the web console.
enum EmbeddedAssets {
    /// The served routes: path, file, content type. None needs the admin token; the console
    /// asks for it and calls `/admin/*` with it.
    static let routes: [(path: String, file: String, contentType: String)] = [
        ("openapi.yaml", "openapi.yaml", "application/yaml; charset=utf-8"),
        ("", "console/index.html", "text/html; charset=utf-8"),
        ("console.css", "console/console.css", "text/css; charset=utf-8"),
        ("console.js", "console/console.js", "text/javascript; charset=utf-8"),
    ]
}
