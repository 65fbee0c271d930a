// Domain errors: thrown by services, which know nothing of HTTP; app.onError maps
// each to its RFC 9457 status.

export interface FieldError {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 422 | 429,
    readonly title: string,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
  }
}

/** 400: the input's shape or values are wrong; `errors` names the fields. */
export class InvalidInput extends DomainError {
  constructor(errors: FieldError[], message = "The request has invalid fields.") {
    super(400, "Invalid input", message, errors);
  }
}
export class Unauthenticated extends DomainError {
  constructor(message = "Sign in first.") {
    super(401, "Not signed in", message);
  }
}
export class Forbidden extends DomainError {
  constructor(message = "Your role does not allow this.") {
    super(403, "Forbidden", message);
  }
}
export class NotFound extends DomainError {
  constructor(what = "resource") {
    super(404, "Not found", `No such ${what}.`);
  }
}
export class Conflict extends DomainError {
  constructor(message: string) {
    super(409, "Conflict", message);
  }
}
/** 422: well-formed, but a domain rule refuses it (the message says which). */
export class RuleViolation extends DomainError {
  constructor(message: string, errors?: FieldError[]) {
    super(422, "Rule violation", message, errors);
  }
}
export class RateLimited extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, "Too many requests", message);
  }
}
