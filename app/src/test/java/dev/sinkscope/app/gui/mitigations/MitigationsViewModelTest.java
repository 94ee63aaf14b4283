package dev.sinkscope.app.gui.mitigations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.gui.Fixtures;
import dev.sinkscope.app.gui.session.Denoising;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.HeadGate;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.RegisterAblation;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import dev.sinkscope.inference.model.ModelSpec;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MitigationsViewModelTest {
  private MitigationsViewModel vm;
  private ModelSpec tiny;
  private ModelSpec tinyWithRegisters;

  @BeforeEach
  void create() {
    tiny = Fixtures.outcome(Fixtures.DINOV2).model().spec();
    tinyWithRegisters = Fixtures.outcome(Fixtures.DINOV2_REGISTERS).model().spec();
    vm = new MitigationsViewModel();
    vm.modelProperty().set(tiny);
  }

  @Test
  void startsWithEverySwitchOff() {
    assertEquals(MitigationStack.NONE, vm.stackProperty().get());
  }

  @Test
  void testTimeRegistersWithAFittingMapJoinTheStack() {
    vm.addNeuronMap(new NeuronMapChoice("fixture", Fixtures.ttrNeurons()));
    vm.ttrOnProperty().set(true);

    TestTimeRegisters ttr =
        assertInstanceOf(TestTimeRegisters.class, vm.stackProperty().get().mitigations().get(0));
    assertEquals(TestTimeRegisters.reference(Fixtures.ttrNeurons()), ttr);
    assertEquals(
        ttr.description() + "\nProvenance: reference-code reproduction.",
        vm.ttrDescriptionProperty().get());
    assertEquals("", vm.ttrProblemProperty().get());
  }

  @Test
  void aModelNoMapFitsStartsOnNoneWithoutRedTextAndTheSwitchOff() {
    // The published DINOv2 ViT-L map (blocks 12-17) does not fit the tiny 4-block model.
    assertNull(vm.neuronMapProperty().get());
    assertEquals(MitigationsViewModel.NO_MAP, vm.ttrDescriptionProperty().get());
    assertEquals("", vm.ttrProblemProperty().get(), "nothing red before the user did anything");
    assertFalse(vm.ttrApplicableProperty().get());

    vm.ttrOnProperty().set(true);
    assertFalse(vm.ttrOnProperty().get(), "the switch stays off while nothing can be applied");
    assertEquals(MitigationStack.NONE, vm.stackProperty().get());

    vm.addNeuronMap(new NeuronMapChoice("fixture", Fixtures.ttrNeurons()));
    assertTrue(vm.ttrApplicableProperty().get());
  }

  @Test
  void aMapForAnotherModelIsExplainedAndLeftOut() {
    vm.neuronMapProperty().set(vm.neuronMaps().get(0)); // the user picks the published ViT-L map
    vm.ttrOnProperty().set(true);

    assertEquals(MitigationStack.NONE, vm.stackProperty().get());
    assertFalse(vm.ttrOnProperty().get());
    assertTrue(
        vm.ttrProblemProperty().get().startsWith("Does not fit this model: "),
        vm.ttrProblemProperty().get());
  }

  @Test
  void aNewModelKeepsAFittingMapAndDropsOneThatDoesNotFit() {
    NeuronMapChoice fixture = new NeuronMapChoice("fixture", Fixtures.ttrNeurons());
    vm.addNeuronMap(fixture);
    vm.modelProperty().set(tinyWithRegisters);
    assertSame(
        fixture, vm.neuronMapProperty().get(), "the tiny map fits its twin with registers too");
  }

  @Test
  void moreThanOneRegisterIsMarkedAsAProposal() {
    vm.addNeuronMap(new NeuronMapChoice("fixture", Fixtures.ttrNeurons()));
    vm.ttrRegistersProperty().set(2);

    assertTrue(
        vm.ttrDescriptionProperty()
            .get()
            .endsWith("Provenance: proposal, beyond the reference code."),
        vm.ttrDescriptionProperty().get());
  }

  @Test
  void trainedRegistersCanBeSwitchedOffOnlyWhereThereAreSome() {
    vm.registersOffProperty().set(true);
    assertFalse(vm.registersAvailableProperty().get());
    assertEquals(MitigationStack.NONE, vm.stackProperty().get());

    vm.modelProperty().set(tinyWithRegisters);

    assertTrue(vm.registersAvailableProperty().get());
    assertEquals(MitigationStack.of(new RegisterAblation()), vm.stackProperty().get());
  }

  @Test
  void theNormaliserTakesItsKindParametersAndRanges() {
    vm.normalizerKindProperty().set(AttentionNormalizer.Kind.VIRTUAL_SINK);
    vm.normalizerParameterProperty().set("-2");
    vm.normalizerBlocksProperty().set("1-3");
    vm.normalizerHeadsProperty().set("0;2");
    vm.normalizerOnProperty().set(true);

    AttentionNormalizer n =
        assertInstanceOf(AttentionNormalizer.class, vm.stackProperty().get().mitigations().get(0));
    assertEquals("attn:kind=virtual-sink,beta=-2.0,layers=1-3,heads=0;2", n.spec());
    assertTrue(vm.normalizerDescriptionProperty().get().contains("inference-time substitution"));
  }

  @Test
  void theGateUsesTheValueItsLabelShows() {
    vm.gateValueProperty().set(0.5533981);
    vm.gateOnProperty().set(true);

    HeadGate gate = assertInstanceOf(HeadGate.class, vm.stackProperty().get().mitigations().get(0));
    assertTrue(gate.description().contains("g = 0.55 "), gate.description());
    assertTrue(
        vm.gateDescriptionProperty().get().contains("g = 0.55 "),
        vm.gateDescriptionProperty().get());
  }

  @Test
  void aMistypedBlockRangeIsReportedNotRun() {
    vm.normalizerOnProperty().set(true);
    vm.normalizerBlocksProperty().set("3-");

    assertEquals(MitigationStack.NONE, vm.stackProperty().get());
    assertTrue(
        vm.normalizerProblemProperty().get().contains("bad block range"),
        vm.normalizerProblemProperty().get());
  }

  @Test
  void blocksPastTheModelAreReported() {
    vm.gateBlocksProperty().set("7");
    vm.gateOnProperty().set(true);

    assertEquals(MitigationStack.NONE, vm.stackProperty().get());
    assertTrue(
        vm.gateProblemProperty().get().contains("past the last block 3"),
        vm.gateProblemProperty().get());
  }

  @Test
  void theHeadGateScalesChosenHeads() {
    vm.gateValueProperty().set(0.25);
    vm.gateHeadsProperty().set("1");
    vm.gateOnProperty().set(true);

    HeadGate gate = assertInstanceOf(HeadGate.class, vm.stackProperty().get().mitigations().get(0));
    assertEquals(0.25f, gate.gate());
    assertEquals(List.of(gate.spec()), MitigationsViewModel.specs(vm.stackProperty().get()));
  }

  @Test
  void allOffClearsTheStack() {
    vm.normalizerOnProperty().set(true);
    vm.gateOnProperty().set(true);
    assertEquals(2, vm.stackProperty().get().mitigations().size());

    vm.allOff();

    assertEquals(MitigationStack.NONE, vm.stackProperty().get());
  }

  @Test
  void shiftFlipDenoisingIsOffAndItsSettingsCauseNoRunWhileOff() {
    List<Denoising> seen = new java.util.ArrayList<>();
    vm.denoisingProperty().addListener((obs, old, now) -> seen.add(now));

    vm.denoiseViewsProperty().set(12);
    vm.denoiseSeedProperty().set(5);

    assertEquals(Denoising.OFF, vm.denoisingProperty().get());
    assertEquals(List.of(), seen, "no new request while the switch is off");
    assertEquals(MitigationStack.NONE, vm.stackProperty().get());
  }

  @Test
  void shiftFlipDenoisingCarriesViewsAndSeedBesideTheStack() {
    vm.denoiseOnProperty().set(true);
    assertEquals(Denoising.of(Denoising.DEFAULT_VIEWS, 0), vm.denoisingProperty().get());

    vm.denoiseViewsProperty().set(4);
    vm.denoiseSeedProperty().set(7);
    vm.gateOnProperty().set(true);

    assertEquals(Denoising.of(4, 7), vm.denoisingProperty().get());
    assertEquals(
        1,
        vm.stackProperty().get().mitigations().size(),
        "not a forward hook, so not in the stack");
    String summary =
        MitigationsViewModel.summary(vm.stackProperty().get(), vm.denoisingProperty().get());
    assertTrue(summary.endsWith(" denoise:views=4,seed=7"), summary);
    assertTrue(MitigationsViewModel.DENOISE_DESCRIPTION.contains("N forward passes"));
    assertTrue(MitigationsViewModel.DENOISE_DESCRIPTION.contains("not the attention"));
    assertTrue(MitigationsViewModel.DENOISE_DESCRIPTION.contains("not the trained denoiser"));

    vm.denoiseViewsProperty().set(1000);
    assertEquals(Denoising.MAX_VIEWS, vm.denoisingProperty().get().views(), "clamped");

    vm.allOff();
    assertEquals(Denoising.OFF, vm.denoisingProperty().get());
  }
}
