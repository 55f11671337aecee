/** Typed errors of Lambda Warden: every failure the code raises on purpose is a `WardenError`. */

/** Base class: sets `name` from the subclass and keeps the `cause`. */
export class WardenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An incoming event does not have the shape of a CloudTrail event delivered by EventBridge. */
export class InvalidEventError extends WardenError {
  constructor(
    message: string,
    /** Dotted paths of the fields that were missing or wrong. */
    readonly fields: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A configuration file is missing, unreadable or fails validation. */
export class InvalidConfigError extends WardenError {}

/** A state file (for `warden simulate --state`) is unreadable or fails validation. */
export class InvalidStateError extends WardenError {}

/** Reading the current state of a resource failed for a reason other than "it does not exist". */
export class StateReadError extends WardenError {}

/**
 * A remediation re-read the resource and found it changed since the finding in a way the plan did not
 * judge (another deployment, another integration, another config): nothing was changed.
 */
export class StaleFindingError extends WardenError {}
