import io.lethe.avro.DeletionReason;
import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.UnlearningBatch;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.TopicNames;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The fault suite's driver (faults/run compiles it against launcher/target/lethe.jar). Commands:
 *
 * <pre>
 *   send     BOOTSTRAP SR_URL MANIFEST FIRST COUNT SEED   a chunk of mixed requests; appends "id kind" lines
 *   batchpart BOOTSTRAP SR_URL                           the partition of the latest batch record
 *   inflight BOOTSTRAP SR_URL TIMEOUT_S                   waits for a batch without a version; prints its partition
 *   probe    BOOTSTRAP SR_URL MANIFEST ID TIMEOUT_S [REGISTRY_URL]
 *                                                         one valid request; prints seconds to its terminal receipt
 *   check    BOOTSTRAP SR_URL REGISTRY_URL MANIFEST TIMEOUT_S   the invariants; exit 1 on any violation
 *   control                                               the checker on doctored record sets (must report each)
 * </pre>
 */
public final class FaultDriver {
  static final String MODEL = "mnist-mlp";
  static final Set<ReceiptStatus> TERMINAL =
      Set.of(ReceiptStatus.APPLIED, ReceiptStatus.FAILED, ReceiptStatus.NOT_PRESENT);

  public static void main(String[] a) throws Exception {
    switch (a[0]) {
      case "send" -> send(a[1], a[2], Path.of(a[3]), Integer.parseInt(a[4]), Integer.parseInt(a[5]), Long.parseLong(a[6]));
      case "inflight" -> System.exit(inflight(a[1], a[2], Integer.parseInt(a[3])));
      case "probe" -> System.exit(probe(a[1], a[2], Path.of(a[3]), a[4], Integer.parseInt(a[5]), a.length > 6 ? a[6] : null));
      case "check" -> System.exit(check(a[1], a[2], a[3], Path.of(a[4]), Integer.parseInt(a[5])));
      case "batchpart" -> System.out.println(batchPartition(a[1], a[2]));
      case "control" -> System.exit(control());
      default -> throw new IllegalArgumentException(a[0]);
    }
  }

  static LetheTopics topics(String sr) {
    return new LetheTopics(TopicNames.DEFAULTS, AvroSerdes.fromConfig(Map.of(AvroSerdes.REGISTRY_URL, sr)));
  }

  static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  // ---------------------------------------------------------------- requests

  static DeletionRequest valid(String id, Random r) {
    int pick = r.nextInt(10);
    var b = DeletionRequest.newBuilder().setRequestId(id).setRequestedAt(Instant.now()).setSource("fault-suite");
    if (pick < 6) {
      List<Long> ids = new ArrayList<>();
      int n = 1 + r.nextInt(5);
      for (int i = 0; i < n; i++) ids.add((long) r.nextInt(10_000));
      b.setScope(DeletionScope.SAMPLES).setModelIds(List.of(MODEL)).setSampleIds(ids).setReason(DeletionReason.POISONED_DATA);
    } else if (pick < 9) {
      b.setScope(DeletionScope.SUBJECT).setSubjectId(String.format("subject-%04d", r.nextInt(1000))).setReason(DeletionReason.GDPR_ERASURE).setRegulation("GDPR Art. 17");
    } else {
      // One class only: forgetting all ten classes leaves no training data, and every batch after
      // that fails (a workload that says nothing about faults).
      b.setScope(DeletionScope.CLASS).setModelIds(List.of(MODEL)).setClassLabels(List.of(7)).setReason(DeletionReason.COPYRIGHT);
    }
    return b.build();
  }

  /** Confluent framing of a valid record, with its body replaced by one whose modelIds count is 2e9. */
  static byte[] poison(byte[] validFramed, String id) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(validFramed, 0, 5); // magic byte + schema id, as the serializer wrote them
    BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
    e.writeString(id);
    e.writeEnum(DeletionScope.SAMPLES.ordinal());
    e.writeIndex(0); // subjectId: null
    e.writeLong(2_000_000_000L); // modelIds: one block claiming 2 billion strings
    e.writeString("x");
    e.flush();
    return out.toByteArray();
  }

  static void send(String bootstrap, String sr, Path manifest, int first, int count, long seed) throws Exception {
    LetheTopics t = topics(sr);
    var ser = t.deletionRequests.valueSerde().serializer();
    String topic = t.names.deletionRequests();
    Random r = new Random(seed);
    List<String> lines = new ArrayList<>();
    List<DeletionRequest> sent = new ArrayList<>();
    try (var p = producer(bootstrap)) {
      for (int i = first; i < first + count; i++) {
        int kind = r.nextInt(100);
        String id;
        byte[] value;
        String k;
        if (kind < 70 || sent.isEmpty()) {
          id = "fs-" + i;
          DeletionRequest req = valid(id, r);
          sent.add(req);
          value = ser.serialize(topic, req);
          k = "valid";
        } else if (kind < 80) {
          DeletionRequest again = sent.get(r.nextInt(sent.size()));
          id = again.getRequestId().toString();
          value = ser.serialize(topic, again);
          k = "duplicate";
        } else if (kind < 87) {
          id = "bad-malformed-" + i;
          value = ("not avro at all #" + i).getBytes(StandardCharsets.UTF_8);
          k = "malformed";
        } else if (kind < 94) {
          id = "bad-poison-" + i;
          value = poison(ser.serialize(topic, valid(id, r)), id);
          k = "poison";
        } else {
          id = "bad-unknown-model-" + i;
          value = ser.serialize(topic, DeletionRequest.newBuilder().setRequestId(id).setScope(DeletionScope.SAMPLES)
              .setModelIds(List.of("no-such-model")).setSampleIds(List.of(1L)).setRequestedAt(Instant.now()).build());
          k = "invalid";
        }
        p.send(new ProducerRecord<>(topic, id, value));
        lines.add(id + " " + k);
      }
      p.flush();
    }
    Files.write(manifest, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    Map<String, Long> kinds = lines.stream().collect(Collectors.groupingBy(l -> l.split(" ")[1], TreeMap::new, Collectors.counting()));
    System.out.println("sent " + count + " records " + kinds);
  }

  // ---------------------------------------------------------------- reading the topics

  record Snapshot(
      List<RequestReceipt> receipts,
      List<ModelVersion> versions,
      Map<String, Integer> batchPartition,
      Set<String> deadLetterKeys) {}

  static <V> List<ConsumerRecord<String, V>> readAll(String bootstrap, String topic, org.apache.kafka.common.serialization.Deserializer<V> d) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<String, V>> all = new ArrayList<>();
    try (var c = new KafkaConsumer<>(p, new StringDeserializer(), d)) {
      List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(60)).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(60));
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp, Duration.ofSeconds(60)) < end.get(tp))) {
        for (var rec : c.poll(Duration.ofMillis(500))) all.add(rec);
        if (System.nanoTime() > deadline) throw new IllegalStateException("could not read " + topic + " to its end");
      }
    }
    return all;
  }

  static Snapshot snapshot(String bootstrap, String sr) {
    LetheTopics t = topics(sr);
    var receipts = readAll(bootstrap, t.names.requestReceipts(), t.requestReceipts.valueSerde().deserializer())
        .stream().map(ConsumerRecord::value).toList();
    var versions = readAll(bootstrap, t.names.modelVersions(), t.modelVersions.valueSerde().deserializer())
        .stream().map(ConsumerRecord::value).toList();
    Map<String, Integer> batches = new HashMap<>();
    for (var rec : readAll(bootstrap, t.names.unlearningBatches(), t.unlearningBatches.valueSerde().deserializer())) {
      if (rec.value() != null) batches.put(rec.value().getBatchId().toString(), rec.partition());
    }
    Set<String> dlq = new TreeSet<>();
    for (var rec : readAll(bootstrap, t.names.deadLetter(), new ByteArrayDeserializer())) {
      if (rec.key() != null) dlq.add(rec.key());
    }
    return new Snapshot(receipts, versions, batches, dlq);
  }

  /** The partition of lethe.unlearning-batches that the latest batch went to (one model: always the same). */
  static int batchPartition(String bootstrap, String sr) {
    LetheTopics t = topics(sr);
    var all = readAll(bootstrap, t.names.unlearningBatches(), t.unlearningBatches.valueSerde().deserializer());
    return all.stream().max(java.util.Comparator.comparingLong(ConsumerRecord::timestamp)).map(ConsumerRecord::partition).orElse(-1);
  }

  static int inflight(String bootstrap, String sr, int timeoutS) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutS).toNanos();
    while (System.nanoTime() < deadline) {
      Snapshot s = snapshot(bootstrap, sr);
      Set<String> done = s.versions.stream().map(v -> String.valueOf(v.getBatchId())).collect(Collectors.toSet());
      s.receipts.stream().filter(r -> r.getStatus() == ReceiptStatus.FAILED && r.getBatchId() != null)
          .forEach(r -> done.add(r.getBatchId().toString()));
      for (var e : s.batchPartition.entrySet()) {
        if (!done.contains(e.getKey())) {
          System.out.println(e.getValue());
          return 0;
        }
      }
      Thread.sleep(300);
    }
    return 1;
  }

  static int probe(String bootstrap, String sr, Path manifest, String id, int timeoutS, String registry) throws Exception {
    LetheTopics t = topics(sr);
    long start = System.nanoTime();
    try (var p = producer(bootstrap)) {
      p.send(new ProducerRecord<>(t.names.deletionRequests(), id,
          t.deletionRequests.valueSerde().serializer().serialize(t.names.deletionRequests(), valid(id, new Random(id.hashCode()))))).get();
    }
    Files.write(manifest, List.of(id + " valid"), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    long deadline = start + Duration.ofSeconds(timeoutS).toNanos();
    HttpClient http = HttpClient.newHttpClient();
    while (System.nanoTime() < deadline) {
      boolean done;
      if (registry != null) {
        String body = get(http, registry + "/api/requests/" + id);
        done = body != null && TERMINAL.stream().anyMatch(st -> body.contains("\"latestStatus\":\"" + st + "\""));
      } else {
        done = snapshot(bootstrap, sr).receipts.stream()
            .anyMatch(r -> id.equals(r.getRequestId().toString()) && TERMINAL.contains(r.getStatus()));
      }
      if (done) {
        System.out.printf("%.1f%n", (System.nanoTime() - start) / 1e9);
        return 0;
      }
      Thread.sleep(500);
    }
    System.out.println("timeout");
    return 1;
  }

  static String get(HttpClient http, String url) {
    try {
      var res = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      return res.statusCode() == 200 ? res.body() : null;
    } catch (Exception e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- the invariants

  /** The violations of the topic invariants, and (in stats) the figures. Pure: the control runs it on doctored sets. */
  static List<String> violations(Map<String, String> manifest, Snapshot s, Map<String, Object> stats) {
    List<String> v = new ArrayList<>();
    Map<String, List<RequestReceipt>> byId = new HashMap<>();
    for (var r : s.receipts) byId.computeIfAbsent(r.getRequestId().toString(), k -> new ArrayList<>()).add(r);
    // Versions: unique and gap-free per model; a batch in one version only; a request in one version only.
    Map<String, TreeMap<Integer, List<ModelVersion>>> perModel = new TreeMap<>();
    for (var mv : s.versions) perModel.computeIfAbsent(mv.getModelId().toString(), k -> new TreeMap<>()).computeIfAbsent(mv.getVersion(), k -> new ArrayList<>()).add(mv);
    Map<String, String> batchVersion = new HashMap<>();
    Map<String, String> requestVersion = new HashMap<>();
    for (var e : perModel.entrySet()) {
      int expect = e.getValue().firstKey() <= 1 ? 1 : e.getValue().firstKey();
      if (e.getValue().firstKey() > 1) v.add("model " + e.getKey() + ": versions start at " + e.getValue().firstKey() + ", not 1");
      for (var ve : e.getValue().entrySet()) {
        if (ve.getKey() != expect) v.add("model " + e.getKey() + ": version gap, v" + expect + " missing before v" + ve.getKey());
        expect = ve.getKey() + 1;
        if (ve.getValue().size() > 1) v.add("model " + e.getKey() + ": version v" + ve.getKey() + " published " + ve.getValue().size() + " times (batches " + ve.getValue().stream().map(x -> String.valueOf(x.getBatchId())).toList() + ")");
        for (var mv : ve.getValue()) {
          String label = e.getKey() + " v" + ve.getKey();
          if (mv.getBatchId() != null) {
            String prev = batchVersion.put(mv.getBatchId().toString(), label);
            if (prev != null && !prev.equals(label)) v.add("batch " + mv.getBatchId() + " in two versions: " + prev + " and " + label);
          }
          for (var rid : mv.getRequestIds()) {
            String prev = requestVersion.put(e.getKey() + "/" + rid, label);
            if (prev != null && !prev.equals(label)) v.add("request " + rid + " in two versions: " + prev + " and " + label);
          }
        }
      }
    }
    // Valid requests: exactly one terminal receipt, APPLIED names a version that lists it.
    int applied = 0, failed = 0, notPresent = 0, lost = 0, dupSeen = 0;
    List<String> lostIds = new ArrayList<>();
    for (var e : manifest.entrySet()) {
      String id = e.getKey();
      List<RequestReceipt> rs = byId.getOrDefault(id, List.of());
      if (e.getValue().equals("valid") || e.getValue().equals("duplicate")) {
        List<RequestReceipt> term = rs.stream().filter(r -> TERMINAL.contains(r.getStatus())).toList();
        Map<String, List<RequestReceipt>> perModelTerm = term.stream().collect(Collectors.groupingBy(r -> String.valueOf(r.getModelId())));
        if (term.isEmpty()) {
          lost++;
          lostIds.add(id + rs.stream().map(r -> String.valueOf(r.getStatus())).toList());
        }
        for (var pm : perModelTerm.entrySet()) {
          if (pm.getValue().size() > 1) v.add("request " + id + " has " + pm.getValue().size() + " terminal receipts for model " + pm.getKey() + ": " + pm.getValue().stream().map(r -> r.getStatus() + "@v" + r.getModelVersion()).toList());
        }
        for (var r : term) {
          switch (r.getStatus()) {
            case APPLIED -> {
              applied++;
              String label = r.getModelId() + " v" + r.getModelVersion();
              String in = requestVersion.get(r.getModelId() + "/" + id);
              if (in == null) v.add("request " + id + " APPLIED in " + label + " but no version lists it");
              else if (!in.equals(label)) v.add("request " + id + " APPLIED in " + label + " but listed by " + in);
            }
            case FAILED -> failed++;
            default -> notPresent++;
          }
        }
        if (rs.stream().anyMatch(r -> r.getStatus() == ReceiptStatus.DUPLICATE)) dupSeen++;
      } else {
        if (!s.deadLetterKeys.contains(id) && rs.stream().noneMatch(r -> r.getStatus() == ReceiptStatus.REJECTED)) v.add("bad record " + id + " (" + e.getValue() + ") neither in the dead-letter topic nor REJECTED");
        if (rs.stream().anyMatch(r -> TERMINAL.contains(r.getStatus()) || r.getStatus() == ReceiptStatus.BATCHED)) v.add("bad record " + id + " (" + e.getValue() + ") got " + rs.stream().map(r -> String.valueOf(r.getStatus())).toList());
      }
    }
    if (lost > 0) v.add(lost + " valid requests without a terminal receipt (lost), e.g. " + lostIds.subList(0, Math.min(10, lostIds.size())));
    stats.put("validIds", manifest.values().stream().filter(k -> k.equals("valid") || k.equals("duplicate")).count());
    stats.put("badRecords", manifest.values().stream().filter(k -> !(k.equals("valid") || k.equals("duplicate"))).count());
    stats.put("applied", applied);
    stats.put("failed", failed);
    stats.put("notPresent", notPresent);
    stats.put("lost", lost);
    stats.put("idsWithDuplicateReceipt", dupSeen);
    stats.put("versions", perModel.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, x -> x.getValue().lastKey())));
    stats.put("deadLetterRecords", s.deadLetterKeys.size());
    return v;
  }

  static Map<String, String> manifest(Path file) throws Exception {
    // The last kind wins for an id: an id that was sent valid, then duplicated, stays "valid"-like.
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) continue;
      String[] f = line.split(" ");
      m.merge(f[0], f[1], (a, b) -> a.equals("valid") ? a : b);
    }
    return m;
  }

  static int check(String bootstrap, String sr, String registry, Path manifestFile, int timeoutS) throws Exception {
    Map<String, String> manifest = manifest(manifestFile);
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutS).toNanos();
    long start = System.nanoTime();
    Snapshot s;
    List<String> v;
    Map<String, Object> stats;
    while (true) {
      s = snapshot(bootstrap, sr);
      stats = new TreeMap<>();
      v = violations(manifest, s, stats);
      boolean settled = ((Number) stats.get("lost")).intValue() == 0;
      if (settled || System.nanoTime() > deadline) break;
      System.out.println("  waiting for receipts: " + stats.get("lost") + " valid requests pending");
      Thread.sleep(5000);
    }
    System.out.printf("topics settled after %.0f s%n", (System.nanoTime() - start) / 1e9);
    // The registry: every version and every request's terminal receipt, once it has caught up.
    HttpClient http = HttpClient.newHttpClient();
    List<String> rv = new ArrayList<>();
    long regDeadline = System.nanoTime() + Duration.ofSeconds(Math.max(60, timeoutS / 2)).toNanos();
    while (true) {
      rv = registryViolations(http, registry, manifest, s);
      if (rv.isEmpty() || System.nanoTime() > regDeadline) break;
      System.out.println("  waiting for the registry: " + rv.size() + " differences, e.g. " + rv.get(0));
      Thread.sleep(5000);
    }
    stats.put("registryDifferences", rv.size());
    v.addAll(rv.subList(0, Math.min(20, rv.size())));
    System.out.println("figures: " + stats);
    if (v.isEmpty()) {
      System.out.println("CHECK PASSED: every invariant holds");
      return 0;
    }
    System.out.println("CHECK FAILED: " + v.size() + " violations");
    v.forEach(x -> System.out.println("  VIOLATION " + x));
    return 1;
  }

  static final Pattern VERSION = Pattern.compile("\"version\":(\\d+)");
  static final Pattern LATEST = Pattern.compile("\"latestStatus\":\"([A-Z_]+)\"");

  static List<String> registryViolations(HttpClient http, String registry, Map<String, String> manifest, Snapshot s) {
    List<String> v = new ArrayList<>();
    Map<String, Set<Integer>> topicVersions = new TreeMap<>();
    for (var mv : s.versions) topicVersions.computeIfAbsent(mv.getModelId().toString(), k -> new TreeSet<>()).add(mv.getVersion());
    for (var e : topicVersions.entrySet()) {
      Set<Integer> have = new TreeSet<>();
      for (int page = 0; ; page++) { // the API serves at most 500 a page
        String body = get(http, registry + "/api/models/" + e.getKey() + "/versions?size=500&page=" + page);
        if (body == null) {
          v.add("registry: no version list for " + e.getKey() + " (page " + page + ")");
          break;
        }
        Matcher m = VERSION.matcher(body);
        int n = 0;
        while (m.find()) {
          have.add(Integer.parseInt(m.group(1)));
          n++;
        }
        if (n < 500) break;
      }
      for (int ver : e.getValue()) if (!have.contains(ver)) v.add("registry: " + e.getKey() + " v" + ver + " missing");
    }
    Map<String, ReceiptStatus> terminal = new HashMap<>();
    for (var r : s.receipts) if (TERMINAL.contains(r.getStatus())) terminal.put(r.getRequestId().toString(), r.getStatus());
    for (var e : manifest.entrySet()) {
      if (!(e.getValue().equals("valid") || e.getValue().equals("duplicate"))) continue;
      ReceiptStatus want = terminal.get(e.getKey());
      if (want == null) continue;
      String body = get(http, registry + "/api/requests/" + e.getKey());
      Matcher m = body == null ? null : LATEST.matcher(body);
      String got = m != null && m.find() ? m.group(1) : null;
      if (got == null || !TERMINAL.contains(ReceiptStatus.valueOf(got))) v.add("registry: request " + e.getKey() + " is " + got + ", the topic says " + want);
    }
    return v;
  }

  // ---------------------------------------------------------------- the control

  static RequestReceipt receipt(String id, ReceiptStatus st, String batch, Integer version) {
    return RequestReceipt.newBuilder().setRequestId(id).setStatus(st).setModelId(MODEL).setBatchId(batch).setModelVersion(version).setAt(Instant.now()).build();
  }

  static ModelVersion version(int n, String batch, List<String> ids) {
    return ModelVersion.newBuilder().setModelId(MODEL).setVersion(n).setBatchId(batch).setRequestIds(new ArrayList<>(ids))
        .setStatus(io.lethe.avro.VerificationStatus.values()[0]).setMethod("muso").setDevice("cpu").setCreatedAt(Instant.now())
        .setArtifact(io.lethe.avro.Artifact.newBuilder().setUri("file:///x").setSha256("00").build())
        .setMetrics(io.lethe.avro.VerificationMetrics.newBuilder().build()).build();
  }

  /** A consistent record set, then one doctored copy per invariant: the checker must pass the first and report each other. */
  static int control() {
    Map<String, String> manifest = new LinkedHashMap<>(Map.of("r1", "valid", "r2", "valid", "r3", "duplicate", "bad-1", "poison", "bad-2", "malformed"));
    List<RequestReceipt> receipts = new ArrayList<>(List.of(
        receipt("r1", ReceiptStatus.APPLIED, "b1", 2), receipt("r2", ReceiptStatus.APPLIED, "b1", 2),
        receipt("r3", ReceiptStatus.APPLIED, "b2", 3), receipt("r3", ReceiptStatus.DUPLICATE, null, null),
        receipt("bad-2", ReceiptStatus.REJECTED, null, null)));
    List<ModelVersion> versions = new ArrayList<>(List.of(version(1, null, List.of()), version(2, "b1", List.of("r1", "r2")), version(3, "b2", List.of("r3"))));
    Set<String> dlq = Set.of("bad-1");
    Map<String, Runnable> cases = new LinkedHashMap<>();
    List<Object[]> sets = new ArrayList<>();
    sets.add(new Object[] {"consistent set (must pass)", receipts, versions, dlq, ""});
    var dupApplied = new ArrayList<>(receipts); dupApplied.add(receipt("r1", ReceiptStatus.APPLIED, "b2", 3));
    sets.add(new Object[] {"duplicate APPLIED", dupApplied, versions, dlq, "terminal receipts"});
    var lost = new ArrayList<>(receipts); lost.removeIf(r -> r.getRequestId().toString().equals("r2"));
    sets.add(new Object[] {"a lost request", lost, versions, dlq, "without a terminal receipt"});
    var dupVersion = new ArrayList<>(versions); dupVersion.add(version(3, "b3", List.of()));
    sets.add(new Object[] {"version number twice", receipts, dupVersion, dlq, "published 2 times"});
    var gap = new ArrayList<>(versions); gap.add(version(5, "b4", List.of()));
    sets.add(new Object[] {"version gap", receipts, gap, dlq, "version gap"});
    var batchTwice = new ArrayList<>(versions); batchTwice.add(version(4, "b1", List.of()));
    sets.add(new Object[] {"batch in two versions", receipts, batchTwice, dlq, "in two versions"});
    sets.add(new Object[] {"bad record not quarantined", receipts, versions, Set.of(), "neither in the dead-letter"});
    var wrongVersion = new ArrayList<>(receipts); wrongVersion.set(0, receipt("r1", ReceiptStatus.APPLIED, "b1", 3));
    sets.add(new Object[] {"APPLIED names the wrong version", wrongVersion, versions, dlq, "but listed by"});
    int bad = 0;
    for (Object[] c : sets) {
      @SuppressWarnings("unchecked")
      List<String> v = violations(manifest, new Snapshot((List<RequestReceipt>) c[1], (List<ModelVersion>) c[2], Map.of(), (Set<String>) c[3]), new TreeMap<>());
      String expect = (String) c[4];
      boolean ok = expect.isEmpty() ? v.isEmpty() : v.stream().anyMatch(x -> x.contains(expect));
      System.out.println((ok ? "control ok   " : "CONTROL FAIL ") + c[0] + ": " + (v.isEmpty() ? "no violation" : v));
      if (!ok) bad++;
    }
    System.out.println(bad == 0 ? "CONTROL PASSED: the checker reports every doctored set" : "CONTROL FAILED");
    return bad == 0 ? 0 : 1;
  }
}
