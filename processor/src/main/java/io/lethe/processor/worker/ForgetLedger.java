package io.lethe.processor.worker;

import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Everything a model version has forgotten so far: version n+1 must exclude what version n excluded
 * plus its own batch, so the retain set and the retraining oracle stay exact. Stored as a small
 * text manifest beside the artifact.
 */
public record ForgetLedger(Set<Long> sampleIds, Set<Integer> classLabels) {
  public static final ForgetLedger EMPTY = new ForgetLedger(Set.of(), Set.of());

  public ForgetLedger {
    sampleIds = Set.copyOf(sampleIds);
    classLabels = Set.copyOf(classLabels);
  }

  public ForgetLedger plus(Collection<Long> samples, Collection<Integer> classes) {
    Set<Long> s = new TreeSet<>(sampleIds);
    s.addAll(samples);
    Set<Integer> c = new TreeSet<>(classLabels);
    c.addAll(classes);
    return new ForgetLedger(s, c);
  }

  public String toText() {
    return "classes="
        + classLabels.stream().sorted().map(String::valueOf).collect(Collectors.joining(","))
        + "\nsamples="
        + sampleIds.stream().sorted().map(String::valueOf).collect(Collectors.joining(","))
        + "\n";
  }

  public static ForgetLedger fromText(String text) {
    Set<Long> samples = new TreeSet<>();
    Set<Integer> classes = new TreeSet<>();
    for (String line : text.split("\n")) {
      String[] kv = line.split("=", 2);
      if (kv.length < 2 || kv[1].isBlank()) {
        continue;
      }
      var values = Arrays.stream(kv[1].split(",")).map(String::trim);
      switch (kv[0].trim()) {
        case "classes" -> values.map(Integer::valueOf).forEach(classes::add);
        case "samples" -> values.map(Long::valueOf).forEach(samples::add);
        default -> throw new IllegalArgumentException("unknown manifest line: " + line);
      }
    }
    return new ForgetLedger(samples, classes);
  }
}
