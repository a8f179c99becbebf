package io.lethe.processor.engine.data;

/**
 * Bad data or a bad dataset spec: the message names the file, the line or row and the column, and
 * {@link #field()} names the dataset-spec property the problem is about, relative to the dataset
 * ({@code train}, {@code test}, {@code columns.label}, {@code subjects}, {@code classes}, ...), so
 * that a catalog can prefix its own path ({@code models[1].dataset.columns.label: ...}).
 */
public class DataException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String field;

  public DataException(String field, String message) {
    super(message);
    this.field = field;
  }

  public DataException(String field, String message, Throwable cause) {
    super(message, cause);
    this.field = field;
  }

  /** The dataset-spec property the problem is about, e.g. {@code columns.label}. */
  public String field() {
    return field;
  }

  /** {@code field: message}, the form a catalog prints under its own path. */
  public String describe() {
    return field + ": " + getMessage();
  }
}
