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
  /** The classes CLASS requests name: a few of MNIST's ten, so the model always keeps eight. */
  static final List<Integer> CLASS_LABELS = List.of(3, 7);
  /** The built-in catalog's data subjects, subject-0000 ... subject-0999. */
  static final int SUBJECTS = 1000;
  /** The dead-letter header with the rejection's kind (DeletionTopology.HEADER_KIND). */
  static final String HEADER_KIND = io.lethe.processor.topology.DeletionTopology.HEADER_KIND;

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

  /**
   * A valid request. SUBJECT requests name subject {@code index % SUBJECTS}: distinct within the
   * first thousand records of a run, so a subject is named twice only in a long run (the second
   * request then finds the subject erased, its lineage retired: REJECTED UNKNOWN_SUBJECT, which the
   * checker accepts only for a subject erased earlier in the run).
   */
  static DeletionRequest valid(String id, Random r, int index) {
    int pick = r.nextInt(10);
    var b = DeletionRequest.newBuilder().setRequestId(id).setRequestedAt(Instant.now()).setSource("fault-suite");
    if (pick < 6) {
      List<Long> ids = new ArrayList<>();
      int n = 1 + r.nextInt(5);
      for (int i = 0; i < n; i++) ids.add((long) r.nextInt(10_000));
      b.setScope(DeletionScope.SAMPLES).setModelIds(List.of(MODEL)).setSampleIds(ids).setReason(DeletionReason.POISONED_DATA);
    } else if (pick < 9) {
      b.setScope(DeletionScope.SUBJECT).setSubjectId(subject(index)).setReason(DeletionReason.GDPR_ERASURE).setRegulation("GDPR Art. 17");
    } else {
      // A small fixed set of classes, as a real take-down list would be; random labels forget
      // every class within a few hundred requests (a workload that says nothing about faults).
      int label = CLASS_LABELS.get(r.nextInt(CLASS_LABELS.size()));
      b.setScope(DeletionScope.CLASS).setModelIds(List.of(MODEL)).setClassLabels(List.of(label)).setReason(DeletionReason.COPYRIGHT);
    }
    return b.build();
  }

  static String subject(int index) {
    return String.format("subject-%04d", index % SUBJECTS);
  }

  /** A probe: SAMPLES, so it never takes a subject from the chunks' requests. */
  static DeletionRequest probeRequest(String id) {
    Random r = new Random(id.hashCode());
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) ids.add((long) r.nextInt(10_000));
    return DeletionRequest.newBuilder().setRequestId(id).setRequestedAt(Instant.now()).setSource("fault-suite")
        .setScope(DeletionScope.SAMPLES).setModelIds(List.of(MODEL)).setSampleIds(ids).setReason(DeletionReason.POISONED_DATA).build();
  }

  /** The manifest line of a record: "id kind", and the subject for a SUBJECT request. */
  static String line(String id, String kind, DeletionRequest req) {
    return id + " " + kind + (req != null && req.getScope() == DeletionScope.SUBJECT ? " " + req.getSubjectId() : "");
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
    // A record the producer gave up on never reached Lethe: it is "unsent" in the manifest, and
    // counted, rather than reported lost by the checker.
    Set<Integer> undelivered = java.util.concurrent.ConcurrentHashMap.newKeySet();
    long flushMillis;
    var p = producer(bootstrap);
    try {
      for (int i = first; i < first + count; i++) {
        int kind = r.nextInt(100);
        String id;
        byte[] value;
        String k;
        DeletionRequest req = null;
        if (kind < 70 || sent.isEmpty()) {
          id = "fs-" + i;
          req = valid(id, r, i);
          sent.add(req);
          value = ser.serialize(topic, req);
          k = "valid";
        } else if (kind < 80) {
          req = sent.get(r.nextInt(sent.size()));
          id = req.getRequestId().toString();
          value = ser.serialize(topic, req);
          k = "duplicate";
        } else if (kind < 87) {
          id = "bad-malformed-" + i;
          value = ("not avro at all #" + i).getBytes(StandardCharsets.UTF_8);
          k = "malformed";
        } else if (kind < 94) {
          id = "bad-poison-" + i;
          value = poison(ser.serialize(topic, valid(id, r, i)), id);
          k = "poison";
        } else {
          id = "bad-unknown-model-" + i;
          value = ser.serialize(topic, DeletionRequest.newBuilder().setRequestId(id).setScope(DeletionScope.SAMPLES)
              .setModelIds(List.of("no-such-model")).setSampleIds(List.of(1L)).setRequestedAt(Instant.now()).build());
          k = "invalid";
        }
        int at = lines.size();
        p.send(new ProducerRecord<>(topic, id, value), (meta, e) -> {
          if (e != null) undelivered.add(at);
        });
        lines.add(line(id, k, req));
      }
      long t0 = System.nanoTime();
      p.flush();
      flushMillis = (System.nanoTime() - t0) / 1_000_000;
    } finally {
      p.close(Duration.ofSeconds(10)); // not Long.MAX_VALUE: a chunk must not hang on its producer
    }
    for (int at : undelivered) lines.set(at, lines.get(at).split(" ")[0] + " unsent");
    Files.write(manifest, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    Map<String, Long> kinds = lines.stream().collect(Collectors.groupingBy(l -> l.split(" ")[1], TreeMap::new, Collectors.counting()));
    System.out.println("sent " + count + " records " + kinds + " (flush " + flushMillis + " ms)");
  }

  // ---------------------------------------------------------------- reading the topics

  record Snapshot(
      List<RequestReceipt> receipts,
      List<ModelVersion> versions,
      Map<String, Integer> batchPartition,
      Set<String> deadLetterKeys,
      Map<String, String> deadLetterKinds) {
    Snapshot(List<RequestReceipt> receipts, List<ModelVersion> versions, Map<String, Integer> batchPartition, Set<String> deadLetterKeys) {
      this(receipts, versions, batchPartition, deadLetterKeys, Map.of());
    }
  }

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
    Map<String, String> kinds = new HashMap<>();
    for (var rec : readAll(bootstrap, t.names.deadLetter(), new ByteArrayDeserializer())) {
      if (rec.key() != null) {
        dlq.add(rec.key());
        var h = rec.headers().lastHeader(HEADER_KIND);
        if (h != null) kinds.put(rec.key(), new String(h.value(), StandardCharsets.UTF_8));
      }
    }
    return new Snapshot(receipts, versions, batches, dlq, kinds);
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
          t.deletionRequests.valueSerde().serializer().serialize(t.names.deletionRequests(), probeRequest(id)))).get();
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
  /**
   * What was sent: each id's kind (an id sent valid, then again as a duplicate, stays "valid"), the
   * subject of each SUBJECT request, and the ids sent more than once.
   */
  record Manifest(Map<String, String> kinds, Map<String, String> subjects, Set<String> resent) {
    boolean valid(String id) {
      String k = kinds.get(id);
      return "valid".equals(k) || "duplicate".equals(k);
    }
  }

  /**
   * Why a valid request's REJECTED receipt is not the accepted end of a subject named twice in the
   * run (null when it is): its dead letter must say UNKNOWN_SUBJECT and another valid request of
   * the run must have erased that subject (APPLIED), which retired its lineage.
   */
  static String rejectedWhy(String id, Manifest m, Snapshot s, Map<String, List<RequestReceipt>> byId) {
    String kind = s.deadLetterKinds().get(id);
    if (!"UNKNOWN_SUBJECT".equals(kind)) return "its rejection kind is " + kind + ", not UNKNOWN_SUBJECT";
    String subject = m.subjects().get(id);
    if (subject == null) return "it is not a SUBJECT request";
    for (var e : m.subjects().entrySet()) {
      if (!e.getKey().equals(id) && e.getValue().equals(subject)
          && byId.getOrDefault(e.getKey(), List.of()).stream().anyMatch(r -> r.getStatus() == ReceiptStatus.APPLIED)) {
        return null;
      }
    }
    return "no other request of the run erased " + subject;
  }

  static List<String> violations(Manifest manifest, Snapshot s, Map<String, Object> stats) {
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
    int applied = 0, failed = 0, notPresent = 0, lost = 0, dupSeen = 0, rejectedErased = 0;
    List<String> lostIds = new ArrayList<>();
    for (var e : manifest.kinds().entrySet()) {
      String id = e.getKey();
      List<RequestReceipt> rs = byId.getOrDefault(id, List.of());
      if (manifest.valid(id)) {
        List<RequestReceipt> term = rs.stream().filter(r -> TERMINAL.contains(r.getStatus())).toList();
        Map<String, List<RequestReceipt>> perModelTerm = term.stream().collect(Collectors.groupingBy(r -> String.valueOf(r.getModelId())));
        if (term.isEmpty() && rs.stream().anyMatch(r -> r.getStatus() == ReceiptStatus.REJECTED)) {
          String why = rejectedWhy(id, manifest, s, byId);
          if (why == null) rejectedErased++;
          else v.add("valid request " + id + " REJECTED: " + why);
          continue;
        }
        if (term.isEmpty()) {
          lost++;
          lostIds.add(id + rs.stream().map(r -> String.valueOf(r.getStatus())).toList());
        }
        for (var pm : perModelTerm.entrySet()) {
          // Sent again after FAILED, a request is a new attempt: FAILED ends, then one more end.
          List<RequestReceipt> ends = pm.getValue(); // one partition per id: in the order written
          boolean retried = manifest.resent().contains(id)
              && ends.subList(0, ends.size() - 1).stream().allMatch(r -> r.getStatus() == ReceiptStatus.FAILED);
          if (ends.size() > 1 && !retried) v.add("request " + id + " has " + ends.size() + " terminal receipts for model " + pm.getKey() + ": " + ends.stream().map(r -> r.getStatus() + "@v" + r.getModelVersion()).toList());
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
      } else if (!e.getValue().equals("unsent")) {
        if (!s.deadLetterKeys.contains(id) && rs.stream().noneMatch(r -> r.getStatus() == ReceiptStatus.REJECTED)) v.add("bad record " + id + " (" + e.getValue() + ") neither in the dead-letter topic nor REJECTED");
        if (rs.stream().anyMatch(r -> TERMINAL.contains(r.getStatus()) || r.getStatus() == ReceiptStatus.BATCHED)) v.add("bad record " + id + " (" + e.getValue() + ") got " + rs.stream().map(r -> String.valueOf(r.getStatus())).toList());
      }
    }
    if (lost > 0) v.add(lost + " valid requests without a terminal receipt (lost), e.g. " + lostIds.subList(0, Math.min(10, lostIds.size())));
    stats.put("validIds", manifest.kinds().keySet().stream().filter(manifest::valid).count());
    stats.put("badRecords", manifest.kinds().entrySet().stream().filter(k -> !manifest.valid(k.getKey()) && !k.getValue().equals("unsent")).count());
    stats.put("unsent", manifest.kinds().values().stream().filter(k -> k.equals("unsent")).count());
    stats.put("rejectedSubjectErasedEarlier", rejectedErased);
    stats.put("applied", applied);
    stats.put("failed", failed);
    stats.put("notPresent", notPresent);
    stats.put("lost", lost);
    stats.put("idsWithDuplicateReceipt", dupSeen);
    stats.put("versions", perModel.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, x -> x.getValue().lastKey())));
    stats.put("deadLetterRecords", s.deadLetterKeys.size());
    return v;
  }

  static Manifest manifest(Path file) throws Exception {
    // The last kind wins for an id: an id that was sent valid, then duplicated, stays "valid"-like.
    Map<String, String> m = new LinkedHashMap<>();
    Map<String, String> subjects = new HashMap<>();
    Set<String> resent = new TreeSet<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) continue;
      String[] f = line.split(" ");
      if (m.containsKey(f[0])) resent.add(f[0]);
      m.merge(f[0], f[1], (a, b) -> a.equals("valid") ? a : b);
      if (f.length > 2) subjects.put(f[0], f[2]);
    }
    return new Manifest(m, subjects, resent);
  }

  static int check(String bootstrap, String sr, String registry, Path manifestFile, int timeoutS) throws Exception {
    Manifest manifest = manifest(manifestFile);
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

  static List<String> registryViolations(HttpClient http, String registry, Manifest manifest, Snapshot s) {
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
    for (var e : manifest.kinds().entrySet()) {
      if (!manifest.valid(e.getKey())) continue;
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

  record Case(String name, Manifest manifest, List<RequestReceipt> receipts, List<ModelVersion> versions, Set<String> dlq, Map<String, String> kinds, String expect) {}

  /** A consistent record set, then one doctored copy per invariant: the checker must pass the first and report each other. */
  static int control() {
    // r4 and r5 name the same subject: r4 erased it, so r5 was REJECTED UNKNOWN_SUBJECT (accepted).
    // r6 FAILED, was sent again, and the new attempt was APPLIED (accepted).
    Map<String, String> kinds = new LinkedHashMap<>(Map.of("r1", "valid", "r2", "valid", "r3", "duplicate", "bad-1", "poison", "bad-2", "malformed",
        "r4", "valid", "r5", "valid", "r6", "valid"));
    Manifest manifest = new Manifest(kinds, Map.of("r4", "subject-0001", "r5", "subject-0001"), Set.of("r3", "r6"));
    List<RequestReceipt> receipts = new ArrayList<>(List.of(
        receipt("r1", ReceiptStatus.APPLIED, "b1", 2), receipt("r2", ReceiptStatus.APPLIED, "b1", 2),
        receipt("r3", ReceiptStatus.APPLIED, "b2", 3), receipt("r3", ReceiptStatus.DUPLICATE, null, null),
        receipt("bad-2", ReceiptStatus.REJECTED, null, null),
        receipt("r4", ReceiptStatus.APPLIED, "b2", 3), receipt("r5", ReceiptStatus.REJECTED, null, null),
        receipt("r6", ReceiptStatus.FAILED, "b1", null), receipt("r6", ReceiptStatus.APPLIED, "b2", 3)));
    List<ModelVersion> versions = new ArrayList<>(List.of(version(1, null, List.of()), version(2, "b1", List.of("r1", "r2")), version(3, "b2", List.of("r3", "r4", "r6"))));
    Set<String> dlq = Set.of("bad-1", "r5");
    Map<String, String> dlqKinds = Map.of("bad-1", "MALFORMED", "r5", "UNKNOWN_SUBJECT");
    List<Case> cases = new ArrayList<>();
    cases.add(new Case("consistent set (must pass)", manifest, receipts, versions, dlq, dlqKinds, ""));
    var dupApplied = new ArrayList<>(receipts); dupApplied.add(receipt("r1", ReceiptStatus.APPLIED, "b2", 3));
    cases.add(new Case("duplicate APPLIED", manifest, dupApplied, versions, dlq, dlqKinds, "terminal receipts"));
    var lost = new ArrayList<>(receipts); lost.removeIf(r -> r.getRequestId().toString().equals("r2"));
    cases.add(new Case("a lost request", manifest, lost, versions, dlq, dlqKinds, "without a terminal receipt"));
    var dupVersion = new ArrayList<>(versions); dupVersion.add(version(3, "b3", List.of()));
    cases.add(new Case("version number twice", manifest, receipts, dupVersion, dlq, dlqKinds, "published 2 times"));
    var gap = new ArrayList<>(versions); gap.add(version(5, "b4", List.of()));
    cases.add(new Case("version gap", manifest, receipts, gap, dlq, dlqKinds, "version gap"));
    var batchTwice = new ArrayList<>(versions); batchTwice.add(version(4, "b1", List.of()));
    cases.add(new Case("batch in two versions", manifest, receipts, batchTwice, dlq, dlqKinds, "in two versions"));
    cases.add(new Case("bad record not quarantined", manifest, receipts, versions, Set.of("r5"), dlqKinds, "neither in the dead-letter"));
    var wrongVersion = new ArrayList<>(receipts); wrongVersion.set(0, receipt("r1", ReceiptStatus.APPLIED, "b1", 3));
    cases.add(new Case("APPLIED names the wrong version", manifest, wrongVersion, versions, dlq, dlqKinds, "but listed by"));
    var otherSubject = new Manifest(kinds, Map.of("r4", "subject-0001", "r5", "subject-0002"), manifest.resent());
    cases.add(new Case("REJECTED for a subject nobody erased", otherSubject, receipts, versions, dlq, dlqKinds, "REJECTED: no other request"));
    cases.add(new Case("REJECTED of another kind", manifest, receipts, versions, dlq, Map.of("bad-1", "MALFORMED", "r5", "INVALID"), "REJECTED: its rejection kind"));
    var failedAfterApplied = new ArrayList<>(receipts); failedAfterApplied.add(receipt("r6", ReceiptStatus.FAILED, "b3", null));
    cases.add(new Case("FAILED after APPLIED", manifest, failedAfterApplied, versions, dlq, dlqKinds, "terminal receipts"));
    int bad = 0;
    for (Case c : cases) {
      List<String> v = violations(c.manifest(), new Snapshot(c.receipts(), c.versions(), Map.of(), c.dlq(), c.kinds()), new TreeMap<>());
      boolean ok = c.expect().isEmpty() ? v.isEmpty() : v.stream().anyMatch(x -> x.contains(c.expect()));
      System.out.println((ok ? "control ok   " : "CONTROL FAIL ") + c.name() + ": " + (v.isEmpty() ? "no violation" : v));
      if (!ok) bad++;
    }
    System.out.println(bad == 0 ? "CONTROL PASSED: the checker reports every doctored set" : "CONTROL FAILED");
    return bad == 0 ? 0 : 1;
  }
}
