package io.trent.it;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptRequest;

/**
 * A KMS client on the shared server that records every call it makes and how the server answered,
 * so that a test can tell a refusal by Trent from one made by a client library before any request.
 */
final class RecordingKms implements AutoCloseable {

  /**
   * One call: the operation, the KeyId it named (for Decrypt) and the server's error code and HTTP
   * status ({@code "OK"}/200 on success).
   */
  record Call(String operation, String keyId, String outcome, int status) {}

  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final KmsClient client;

  RecordingKms() {
    ExecutionInterceptor recorder = new ExecutionInterceptor() {
      @Override
      public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        calls.add(new Call(operation(attributes), keyId(context.request()), "OK", context.httpResponse().statusCode()));
      }

      @Override
      public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Throwable e = context.exception();
        if (e instanceof AwsServiceException s) {
          calls.add(new Call(operation(attributes), keyId(context.request()), s.awsErrorDetails().errorCode(),
              s.statusCode()));
        } else {
          calls.add(new Call(operation(attributes), keyId(context.request()), e.getClass().getSimpleName(), 0));
        }
      }
    };
    client = KmsClient.builder()
        .endpointOverride(Trent.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(Trent.CREDENTIALS))
        .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(Duration.ofSeconds(60)))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).addExecutionInterceptor(recorder))
        .build();
  }

  private static String operation(ExecutionAttributes attributes) {
    return attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
  }

  private static String keyId(Object request) {
    return request instanceof DecryptRequest d ? d.keyId() : null;
  }

  KmsClient client() {
    return client;
  }

  /** The calls so far, in order. */
  List<Call> calls() {
    return List.copyOf(calls);
  }

  @Override
  public void close() {
    client.close();
  }
}
