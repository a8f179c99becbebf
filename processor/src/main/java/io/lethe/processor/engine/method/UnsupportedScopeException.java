package io.lethe.processor.engine.method;

import java.util.Set;

/** Thrown when a method is asked to forget a scope it does not support. */
public final class UnsupportedScopeException extends IllegalArgumentException {

  private final String method;
  private final ForgetScope scope;

  public UnsupportedScopeException(String method, ForgetScope scope, Set<ForgetScope> supported) {
    super(
        "unlearning method '"
            + method
            + "' does not support scope "
            + scope
            + " (it supports "
            + supported
            + ")");
    this.method = method;
    this.scope = scope;
  }

  public UnsupportedScopeException(String method, ForgetScope scope, String reason) {
    super("unlearning method '" + method + "' cannot handle scope " + scope + ": " + reason);
    this.method = method;
    this.scope = scope;
  }

  public String method() {
    return method;
  }

  public ForgetScope scope() {
    return scope;
  }
}
