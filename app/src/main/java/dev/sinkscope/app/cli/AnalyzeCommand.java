package dev.sinkscope.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sinkscope.app.report.HeatmapExport;
import dev.sinkscope.app.report.ImageInput;
import dev.sinkscope.app.report.Mitigations;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.pipeline.InspectionPipeline;
import dev.sinkscope.inference.report.HeadSelection;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.ResultDump;
import dev.sinkscope.inference.safetensors.SafetensorsWriter;
import dev.sinkscope.inference.session.ModelSession;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code analyze}: one forward pass with every layer captured, dumped and summarised. */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description =
        "Run a model on an image and capture every layer (hidden states, attention maps, norms).")
final class AnalyzeCommand implements Callable<Integer> {

  @ParentCommand SinkscopeCommand root;
  @Spec CommandSpec spec;

  @Mixin ModelOption modelOption;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  static final class Input {
    @Option(
        names = "--image",
        paramLabel = "FILE",
        description =
            "A photo (PNG, JPEG, BMP, GIF), preprocessed as the model's preprocessor_config.json says.")
    Path image;

    @Option(
        names = "--pixels",
        paramLabel = "FILE.safetensors",
        description =
            "A pixel_values tensor [1,3,H,W], used as is (H and W multiples of the patch size).")
    Path pixels;
  }

  @Option(
      names = "--dump",
      paramLabel = "OUT.safetensors",
      description =
          "Write every captured tensor (float32), named as transformers' output_hidden_states/attentions.")
  Path dump;

  @Option(
      names = "--json",
      paramLabel = "OUT.json",
      description = "Write the model spec, device and per-layer patch-norm statistics as JSON.")
  Path json;

  @Option(
      names = "--mitigation",
      paramLabel = "SPEC",
      description =
          "Apply a mitigation (repeatable); the dump then holds the mitigated tensors. SPECs are listed below.")
  java.util.List<String> mitigations = new java.util.ArrayList<>();

  @Option(
      names = "--neurons",
      paramLabel = "MAP.json",
      description =
          "Register-neuron map for 'ttr' (ttr.json format: register_neurons = [[layer, neuron], ...]).")
  Path neurons;

  @Option(
      names = "--png",
      paramLabel = "OUT.png",
      description =
          "Write a heatmap of --quantity (default: patch norm) at --layer (default: last) over the photo, "
              + "with colorbar and artifact/sink markers; with --pixels, the heatmap alone.")
  Path png;

  @Option(
      names = "--gif",
      paramLabel = "OUT.gif",
      description =
          "Write the block-by-block progression of --quantity as a looping animated GIF: one frame per "
              + "block, each the --png picture of that block.")
  Path gif;

  @Mixin PictureOptions picture;

  @Mixin CommonOptions common;

  @Override
  public Integer call() throws Exception {
    if (png != null || gif != null) {
      picture.validate();
    }
    common.apply();
    PrintWriter out = spec.commandLine().getOut();
    ModelResolver.Resolved resolved =
        new ModelResolver(root.context(), spec.commandLine().getErr()).resolve(modelOption.model);
    Path model = resolved.folder();
    ImageInput image =
        input.image != null
            ? ImageInput.photo(model, input.image)
            : ImageInput.pixels(input.pixels);
    FloatTensor pixels = image.pixels();
    try (InspectionPipeline pipeline = InspectionPipeline.open(model, common.device)) {
      pipeline.capture(common.capture);
      ModelSession session = pipeline.session();
      image.fitting(session.spec().patchSize());
      out.println("model:  " + session.spec().summary());
      out.println("device: " + session.deviceDescription());
      session.warnings().forEach(w -> out.println("note:   " + w));
      long t0 = System.nanoTime();
      MitigationStack stack = Mitigations.parse(mitigations, neurons, model);
      stack.validate(session.spec());
      for (var m : stack.mitigations()) {
        out.println("mitigation: " + m.spec() + " [" + m.provenance().label() + "]");
      }
      ForwardResult result =
          pipeline.run(pixels, stack, CancellationToken.NONE, ProgressListener.NONE);
      out.printf(
          Locale.ROOT,
          "forward + capture: %.1f ms, %d tokens, %d blocks%n",
          (System.nanoTime() - t0) / 1e6,
          result.layout().totalTokens(),
          result.blocks());
      AnalyzeReport report = AnalyzeReport.of(result, session.deviceDescription());
      report.printTable(out);
      dev.sinkscope.inference.result.NumericalHealth health =
          dev.sinkscope.inference.result.NumericalHealth.check(result);
      if (!health.ok()) {
        out.println("warning: " + health.describe());
      }
      if (dump != null) {
        Map<String, FloatTensor> tensors = ResultDump.tensors(result);
        SafetensorsWriter.write(
            dump, tensors, Map.of("producer", "sinkscope", "model", session.spec().name()));
        out.println("dump:   " + dump + " (" + tensors.size() + " tensors)");
      }
      if (json != null) {
        new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .writeValue(json.toFile(), report);
        out.println("json:   " + json);
      }
      if (png != null) {
        if (!health.ok()) {
          // garbage in the activations must not become a plausible-looking picture
          throw new IllegalStateException("no heatmap written: " + health.describe());
        }
        int block = picture.block(result.blocks());
        HeadSelection head = picture.headSelection();
        head.validate(result.spec().numHeads());
        HeatmapExport.write(
            png,
            resolved.displayName(),
            image,
            pipeline.attention(result, stack),
            pipeline.analyse(result, stack, AnalysisSettings.defaults()).report(),
            stack,
            block,
            picture.quantity(),
            head,
            picture.patch(),
            picture.colormap(),
            picture.normalization());
        out.println("png:    " + png);
      }
      if (gif != null) {
        if (!health.ok()) {
          throw new IllegalStateException("no animation written: " + health.describe());
        }
        HeadSelection head = picture.headSelection();
        head.validate(result.spec().numHeads());
        int frames =
            dev.sinkscope.app.report.BlockAnimation.write(
                gif,
                resolved.displayName(),
                image,
                pipeline.attention(result, stack),
                pipeline.analyse(result, stack, AnalysisSettings.defaults()).report(),
                stack,
                picture.quantity(),
                head,
                picture.patch(),
                picture.colormap(),
                picture.normalization());
        out.println("gif:    " + gif + " (" + frames + " frames)");
      }
    }
    return 0;
  }
}
