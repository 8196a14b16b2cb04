import Foundation

/// A URL as error text may show it: scheme, host, port and path, never userinfo, query or
/// fragment (webhook tokens live there).
public enum RedactedURL {
    public static func describe(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.scheme != nil else {
            // Not a URL we can take apart: keep what comes before any query, fragment or `@`.
            let cut = text.firstIndex { $0 == "?" || $0 == "#" } ?? text.endIndex
            let head = String(text[..<cut])
            guard let at = head.lastIndex(of: "@") else { return head }
            return "***" + head[at...]
        }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return components.string ?? "\(components.scheme ?? "")://\(components.host ?? "")"
    }
}
