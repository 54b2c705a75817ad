package dev.mailplatform.admin.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** An RFC 9457 problem document; {@code errors} (field to message) is this API's extension member for 400. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, Map<String, String> errors,
        String reference) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
