// celery-beat's periodic task form: the crontab described in the reader's language (the
// words come from json_script blocks of the template).
(function ($) {
  $(function () {
    var readable = JSON.parse($("#readable-crontabs").text());
    var help = JSON.parse($("#crontab-help").text());
    var label = JSON.parse($("#crontab-in-words-label").text());
    $(".field-crontab_translation").hide();
    $(".field-crontab").change(function () {
      var words = readable[$("#id_crontab").val()];
      $(".field-crontab .help").text(help + (words ? " — " + label + ": " + words : ""));
    });
  });
})(django.jQuery);
