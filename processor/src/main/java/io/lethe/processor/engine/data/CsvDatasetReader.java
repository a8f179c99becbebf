package io.lethe.processor.engine.data;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a CSV table with a header row into {@link RawTable}s, streaming (Jackson's CSV parser,
 * token by token: no row object, no string per numeric cell), so a million rows of 32 features cost
 * their floats and little else.
 *
 * <p>Columns are found by name: the sample id (an integer), the subject, the label, optionally a
 * split column, and the numeric features (named, or every other column). Every bad cell is a {@link
 * DataException} naming the file, the line and the column.
 */
public final class CsvDatasetReader {

  private static final CsvMapper MAPPER = new CsvMapper();

  // Roles of a column; features have their feature index (>= 0) as role.
  private static final int IGNORED = -1;
  private static final int ID = -2;
  private static final int SUBJECT = -3;
  private static final int LABEL = -4;
  private static final int SPLIT = -5;

  private static final int MAX_LISTED_COLUMNS = 40;

  private CsvDatasetReader() {}

  /**
   * What to read from one CSV file.
   *
   * @param columns the column names
   * @param features feature columns in order; null: every column with no other role; empty: none
   * @param split the split column, or null when the file is one side
   * @param label whether the label column is required (false for a subject manifest)
   * @param subject whether the subject column is required (else read if present)
   */
  record Request(
      DatasetSpec.Columns columns,
      List<String> features,
      DatasetSpec.Split split,
      boolean label,
      boolean subject) {}

  /**
   * Reads {@code file}: one table, or with a split column two ({@code [train, test]}); without a
   * split the second is null.
   */
  static RawTable[] read(DataFile file, Request request) {
    try (Reader reader =
            new BufferedReader(
                new InputStreamReader(file.open(), StandardCharsets.UTF_8), 1 << 16);
        CsvParser parser = MAPPER.getFactory().createParser(reader)) {
      parser.setSchema(CsvSchema.emptySchema());
      parser.enable(CsvParser.Feature.TRIM_SPACES);
      parser.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
      return read(file, request, parser);
    } catch (IOException e) {
      // The parser's own complaints (an unclosed quote) carry its location.
      throw new DataException(
          file.field(), file.name() + ": not a readable CSV file: " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new DataException(file.field(), file.name() + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static RawTable[] read(DataFile file, Request request, CsvParser parser)
      throws IOException {
    List<String> header = readRow(parser);
    if (header == null) {
      throw new DataException(file.field(), file.name() + " is empty: no header row");
    }
    Map<String, Integer> index = new HashMap<>();
    for (int c = 0; c < header.size(); c++) {
      if (index.put(header.get(c), c) != null) {
        throw new DataException(
            file.field(), file.name() + " line 1: column '" + header.get(c) + "' appears twice");
      }
    }
    DatasetSpec.Columns names = request.columns();
    int[] roles = new int[header.size()];
    java.util.Arrays.fill(roles, IGNORED);
    int idCol = column(file, header, index, names.sampleId(), "columns.sampleId", true);
    roles[idCol] = ID;
    int subjectCol =
        column(file, header, index, names.subject(), "columns.subject", request.subject());
    if (subjectCol >= 0) {
      roles[subjectCol] = SUBJECT;
    }
    int labelCol = column(file, header, index, names.label(), "columns.label", request.label());
    if (labelCol >= 0) {
      roles[labelCol] = LABEL;
    }
    DatasetSpec.Split split = request.split();
    int splitCol =
        split == null ? -1 : column(file, header, index, split.column(), "split.column", true);
    if (splitCol >= 0) {
      if (roles[splitCol] != IGNORED) {
        throw new DataException(
            "split.column",
            "column '" + split.column() + "' of " + file.name() + " has another role");
      }
      roles[splitCol] = SPLIT;
    }
    List<String> features = new ArrayList<>();
    if (request.features() == null) {
      for (int c = 0; c < header.size(); c++) {
        if (roles[c] == IGNORED) {
          roles[c] = features.size();
          features.add(header.get(c));
        }
      }
    } else {
      for (String name : request.features()) {
        int c = column(file, header, index, name, "columns.features", true);
        if (roles[c] != IGNORED) {
          throw new DataException(
              "columns.features",
              "column '" + name + "' of " + file.name() + " is listed twice or has another role");
        }
        roles[c] = features.size();
        features.add(name);
      }
    }
    SampleShape shape = features.isEmpty() ? null : SampleShape.of(features.size());
    RawTable[] sides = new RawTable[split == null ? 1 : 2];
    Interner labels = new Interner();
    Interner subjects = new Interner();
    for (int s = 0; s < sides.length; s++) {
      sides[s] =
          new RawTable(
              file,
              RawTable.Position.LINE,
              shape,
              names.sampleId(),
              names.label(),
              names.subject(),
              false,
              List.copyOf(features),
              labels,
              subjects);
      sides[s].allocate(1024, subjectCol >= 0, true);
    }
    readRows(file, parser, header, roles, features.size(), sides, split);
    for (RawTable side : sides) {
      side.trim();
    }
    return sides.length == 2 ? sides : new RawTable[] {sides[0], null};
  }

  private static void readRows(
      DataFile file,
      CsvParser parser,
      List<String> header,
      int[] roles,
      int width,
      RawTable[] sides,
      DatasetSpec.Split split)
      throws IOException {
    float[] row = new float[width];
    Interner labels = sides[0].labelNames;
    Interner subjects = sides[0].subjectNames;
    JsonToken token;
    while ((token = parser.nextToken()) != null) {
      if (token != JsonToken.START_ARRAY) {
        throw new DataException(file.field(), file.name() + ": unexpected " + token);
      }
      int line = -1;
      long id = 0;
      int label = -1;
      int subject = -1;
      int side = 0;
      int c = 0;
      boolean blankFirst = false;
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
        if (token == null) {
          throw new DataException(file.field(), file.name() + " line " + line + ": truncated row");
        }
        if (c == 0) {
          // The first cell's location is the row's line (the row start token reports the line
          // before it); right also after a quoted cell that spans lines.
          line = parser.currentTokenLocation().getLineNr();
          if (parser.getTextLength() == 0 && roles.length > 1) {
            // Perhaps a blank line (the parser gives it as one empty cell): decided by the next.
            blankFirst = true;
            c++;
            continue;
          }
        } else if (c == 1 && blankFirst) {
          emptyFirstCell(file, line, roles[0], header.get(0));
        }
        if (c < roles.length) {
          int role = roles[c];
          if (role >= 0) {
            row[role] = number(file, parser, line, header.get(c));
          } else if (role == ID) {
            id = sampleId(file, parser, line, header.get(c));
          } else if (role == LABEL) {
            label = labels.code(text(file, parser, line, header.get(c), "label"));
          } else if (role == SUBJECT) {
            subject = subjects.code(text(file, parser, line, header.get(c), "subject"));
          } else if (role == SPLIT) {
            side = side(file, parser, line, header.get(c), split);
          }
        }
        c++;
      }
      if (blankFirst && c == 1) {
        continue; // a blank line
      }
      if (c != roles.length) {
        throw new DataException(
            file.field(),
            file.name()
                + " line "
                + line
                + ": "
                + c
                + " cells, but the header has "
                + roles.length
                + " columns");
      }
      sides[side].add(row, id, label, subject, line);
    }
  }

  /** The error an empty first cell is, for its column's role; none for an ignored column. */
  private static void emptyFirstCell(DataFile file, int line, int role, String column) {
    if (role >= 0) {
      throw cellError(file, line, column, "empty cell, a number is needed");
    }
    switch (role) {
      case ID -> throw cellError(file, line, column, "missing sample id");
      case LABEL -> throw cellError(file, line, column, "missing label");
      case SUBJECT -> throw cellError(file, line, column, "missing subject");
      case SPLIT -> throw cellError(file, line, column, "missing split value");
      default -> {}
    }
  }

  private static List<String> readRow(CsvParser parser) throws IOException {
    if (parser.nextToken() != JsonToken.START_ARRAY) {
      return null;
    }
    List<String> cells = new ArrayList<>();
    while (parser.nextToken() == JsonToken.VALUE_STRING) {
      cells.add(parser.getText());
    }
    return cells;
  }

  private static int column(
      DataFile file,
      List<String> header,
      Map<String, Integer> index,
      String name,
      String field,
      boolean required) {
    Integer c = index.get(name);
    if (c == null) {
      if (!required) {
        return -1;
      }
      throw new DataException(
          field, "no column '" + name + "' in " + file.name() + " (columns: " + list(header) + ")");
    }
    return c;
  }

  private static String list(List<String> header) {
    if (header.size() <= MAX_LISTED_COLUMNS) {
      return String.join(", ", header);
    }
    return String.join(", ", header.subList(0, MAX_LISTED_COLUMNS))
        + ", ... ("
        + header.size()
        + " columns)";
  }

  /** Parses the cell as a float from the parser's buffer, without making a String of it. */
  private static float number(DataFile file, CsvParser parser, int line, String column)
      throws IOException {
    char[] chars = parser.getTextCharacters();
    int offset = parser.getTextOffset();
    int length = parser.getTextLength();
    if (length == 0) {
      throw cellError(file, line, column, "empty cell, a number is needed");
    }
    float value;
    try {
      value = NumberInput.parseFloat(chars, offset, length, true);
    } catch (NumberFormatException e) {
      throw cellError(file, line, column, "not a number: '" + parser.getText() + "'");
    }
    if (!Float.isFinite(value)) {
      // NaN or an overflow would silently poison training; the user should fix or drop the row.
      throw cellError(file, line, column, "not a finite number: '" + parser.getText() + "'");
    }
    return value;
  }

  private static long sampleId(DataFile file, CsvParser parser, int line, String column)
      throws IOException {
    String text = parser.getText();
    if (text.isEmpty()) {
      throw cellError(file, line, column, "missing sample id");
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw cellError(file, line, column, "a sample id must be an integer: '" + text + "'");
    }
  }

  private static String text(DataFile file, CsvParser parser, int line, String column, String what)
      throws IOException {
    String text = parser.getText();
    if (text.isEmpty()) {
      throw cellError(file, line, column, "missing " + what);
    }
    return text;
  }

  private static int side(
      DataFile file, CsvParser parser, int line, String column, DatasetSpec.Split split)
      throws IOException {
    String text = parser.getText();
    if (text.equals(split.train())) {
      return 0;
    }
    if (text.equals(split.test())) {
      return 1;
    }
    throw cellError(
        file,
        line,
        column,
        "'" + text + "' is neither '" + split.train() + "' nor '" + split.test() + "'");
  }

  private static DataException cellError(DataFile file, int line, String column, String problem) {
    return new DataException(
        file.field(), file.name() + " line " + line + ", column '" + column + "': " + problem);
  }
}
