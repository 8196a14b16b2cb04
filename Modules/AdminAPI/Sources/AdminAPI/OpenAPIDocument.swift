/// The OpenAPI 3.1 document of every route (`Modules/AdminAPI/openapi.yaml`, embedded by
/// `Tools/embed-openapi`), served at `GET /openapi.yaml`.
public enum OpenAPIDocument {
    public static let contentType = "application/yaml; charset=utf-8"
}
