package io.lethe.kafka;

import io.lethe.avro.AliasEvent;
import io.lethe.avro.CalibrationReport;
import io.lethe.avro.CalibrationRequest;
import io.lethe.avro.DeletionRequest;
import io.lethe.avro.ModelRegistration;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.RegistrationOutcome;
import io.lethe.avro.RegistrationRequest;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.TrainingLineage;
import io.lethe.avro.UnlearningBatch;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Lethe's topics with their serdes: keys are plain strings (request, subject or model id), values
 * are Avro records framed as {@link AvroSerdes} decides.
 */
public final class LetheTopics {
  public final TopicNames names;
  public final Topic<String, DeletionRequest> deletionRequests;
  public final Topic<String, TrainingLineage> trainingLineage;
  public final Topic<String, UnlearningBatch> unlearningBatches;
  public final Topic<String, ModelVersion> modelVersions;
  public final Topic<String, RequestReceipt> requestReceipts;
  public final Topic<String, AliasEvent> aliasEvents;
  public final Topic<String, ModelRegistration> models;
  public final Topic<String, RegistrationRequest> registrationRequests;
  public final Topic<String, RegistrationOutcome> registrationOutcomes;
  public final Topic<String, CalibrationRequest> calibrationRequests;
  public final Topic<String, CalibrationReport> calibrations;
  public final AvroSerdes serdes;

  public LetheTopics(TopicNames names, AvroSerdes serdes) {
    this.names = names;
    this.serdes = serdes;
    this.deletionRequests =
        new Topic<>(names.deletionRequests(), Serdes.String(), serdes.serde(DeletionRequest.class));
    this.trainingLineage =
        new Topic<>(names.trainingLineage(), Serdes.String(), serdes.serde(TrainingLineage.class));
    this.unlearningBatches =
        new Topic<>(
            names.unlearningBatches(), Serdes.String(), serdes.serde(UnlearningBatch.class));
    this.modelVersions =
        new Topic<>(names.modelVersions(), Serdes.String(), serdes.serde(ModelVersion.class));
    this.requestReceipts =
        new Topic<>(names.requestReceipts(), Serdes.String(), serdes.serde(RequestReceipt.class));
    this.aliasEvents =
        new Topic<>(names.aliasEvents(), Serdes.String(), serdes.serde(AliasEvent.class));
    this.models =
        new Topic<>(names.models(), Serdes.String(), serdes.serde(ModelRegistration.class));
    this.registrationRequests =
        new Topic<>(
            names.registrationRequests(), Serdes.String(), serdes.serde(RegistrationRequest.class));
    this.registrationOutcomes =
        new Topic<>(
            names.registrationOutcomes(), Serdes.String(), serdes.serde(RegistrationOutcome.class));
    this.calibrationRequests =
        new Topic<>(
            names.calibrationRequests(), Serdes.String(), serdes.serde(CalibrationRequest.class));
    this.calibrations =
        new Topic<>(names.calibrations(), Serdes.String(), serdes.serde(CalibrationReport.class));
  }
}
