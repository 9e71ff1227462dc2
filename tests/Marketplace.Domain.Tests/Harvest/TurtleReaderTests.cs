using Marketplace.Domain.Harvest;

namespace Marketplace.Domain.Tests.Harvest;

public sealed class TurtleReaderTests
{
    private const string Dct = "http://purl.org/dc/terms/";

    [Fact]
    public void Prefixed_names_and_a_expand_to_full_iris()
    {
        var triples = TurtleReader.Read("@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<http://x/d> a dcat:Dataset .");

        var triple = Assert.Single(triples);
        Assert.Equal(RdfTerm.Iri("http://x/d"), triple.Subject);
        Assert.Equal(TurtleReader.RdfType, triple.Predicate);
        Assert.Equal(RdfTerm.Iri("http://www.w3.org/ns/dcat#Dataset"), triple.Object);
    }

    [Fact]
    public void Sparql_style_prefix_and_base_are_read_and_relative_iris_resolve_against_the_base()
    {
        var triples = TurtleReader.Read("BASE <http://city.example/catalog/>\nPREFIX dct: <http://purl.org/dc/terms/>\n<datasets/1> dct:source <../other> .");

        var triple = Assert.Single(triples);
        Assert.Equal("http://city.example/catalog/datasets/1", triple.Subject.Value);
        Assert.Equal("http://city.example/other", triple.Object.Value);
    }

    [Fact]
    public void Literals_keep_their_language_tag_and_datatype()
    {
        var triples = TurtleReader.Read(
            "@prefix dct: <http://purl.org/dc/terms/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" +
            "<http://x/d> dct:title \"バス停\"@ja, \"Bus stops\"@en ; dct:modified \"2026-11-30T00:00:00Z\"^^xsd:dateTime .");

        Assert.Equal(RdfTerm.Literal("バス停", language: "ja"), triples[0].Object);
        Assert.Equal(RdfTerm.Literal("Bus stops", language: "en"), triples[1].Object);
        Assert.Equal(RdfTerm.Literal("2026-11-30T00:00:00Z", datatype: "http://www.w3.org/2001/XMLSchema#dateTime"), triples[2].Object);
    }

    [Fact]
    public void String_escapes_and_long_strings_are_decoded()
    {
        var triples = TurtleReader.Read("<http://x/d> <http://x/p> \"a\\\"b\\\\c\\nd\\u00e9\" , '''line one\nline \"two\"''' .");

        Assert.Equal("a\"b\\c\nd\u00e9", triples[0].Object.Value);
        Assert.Equal("line one\nline \"two\"", triples[1].Object.Value);
    }

    [Fact]
    public void A_blank_node_property_list_becomes_a_node_with_its_own_triples()
    {
        var triples = TurtleReader.Read(
            "@prefix adms: <http://www.w3.org/ns/adms#> .\n@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n" +
            "<http://x/d> adms:identifier [ a adms:Identifier ; skos:notation \"42\" ] .");

        var link = Assert.Single(triples, t => t.Predicate == "http://www.w3.org/ns/adms#identifier");
        Assert.Equal(RdfTermKind.Blank, link.Object.Kind);
        Assert.Contains(triples, t => t.Subject == link.Object && t.Object == RdfTerm.Literal("42"));
    }

    [Fact]
    public void Labelled_blank_nodes_are_the_same_node_wherever_they_appear()
    {
        var triples = TurtleReader.Read("<http://x/d> <http://x/p> _:b1 .\n_:b1 <http://x/q> 1 .");

        Assert.Equal(triples[0].Object, triples[1].Subject);
        Assert.Equal(RdfTerm.Literal("1", datatype: "http://www.w3.org/2001/XMLSchema#integer"), triples[1].Object);
    }

    [Fact]
    public void Comments_trailing_semicolons_and_a_dot_after_a_prefixed_name_are_read()
    {
        var triples = TurtleReader.Read("@prefix dct: <http://purl.org/dc/terms/> . # a comment\n<http://x/d> dct:title \"t\" ; # more\n dct:source dct:x ; .");

        Assert.Equal(2, triples.Count);
        Assert.Equal(Dct + "x", triples[1].Object.Value);
    }

    [Theory]
    [InlineData("<http://x/d> <http://x/p> \"open .")]
    [InlineData("<http://x/d> undeclared:p \"v\" .")]
    [InlineData("<http://x/d> <http://x/p> ( 1 2 ) .")]
    [InlineData("<http://x/d> <http://x/p> <http://x/o>")]
    [InlineData("<http://x/d> <http://x/p> <bad iri> .")]
    [InlineData("<relative> <http://x/p> 1 .")]
    public void Input_it_cannot_read_is_a_format_error_naming_the_line(string turtle)
    {
        var error = Assert.Throws<FormatException>(() => TurtleReader.Read(turtle));

        Assert.StartsWith("Turtle line 1:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Blank_nodes_nested_beyond_the_bound_are_refused()
    {
        var deep = "<http://x/d> <http://x/p> " + string.Concat(Enumerable.Repeat("[ <http://x/p> ", TurtleReader.MaxDepth + 1)) + "1" + new string(']', TurtleReader.MaxDepth + 1) + " .";

        Assert.Throws<FormatException>(() => TurtleReader.Read(deep));
    }

    [Fact]
    public void More_triples_than_the_bound_are_refused()
    {
        Assert.Throws<FormatException>(() => TurtleReader.Read("<http://x/d> <http://x/p> 1, 2, 3 .", maxTriples: 2));
    }
}
