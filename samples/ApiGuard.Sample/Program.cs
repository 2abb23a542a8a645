using ApiGuard.Sample;

var app = SampleApp.Build(args);
app.Run();
